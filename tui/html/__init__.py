"""HTML from strangers: sanitising feed HTML, writing it as text, extracting article pages."""
