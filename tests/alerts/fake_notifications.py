"""A fake org.freedesktop.Notifications service for a private session bus (test helper).

Run with the system Python that has dbus-python and PyGObject (Debian: python3-dbus,
python3-gi): ``/usr/bin/python3 fake_notifications.py LOG``. Each Notify call is appended
to LOG as one JSON object; "ready" is printed once the name is owned.
"""

import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

LOG = sys.argv[1]
INTERFACE = "org.freedesktop.Notifications"


class Notifications(dbus.service.Object):
    counter = 0

    @dbus.service.method(INTERFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints,
               timeout):
        self.counter += 1
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"app_name": str(app_name), "summary": str(summary),
                                  "body": str(body)}) + "\n")
        return self.counter

    @dbus.service.method(INTERFACE, out_signature="as")
    def GetCapabilities(self):
        return ["body", "body-markup"]

    @dbus.service.method(INTERFACE, out_signature="ssss")
    def GetServerInformation(self):
        return ("fake", "sinowire-tests", "1.0", "1.2")

    @dbus.service.method(INTERFACE, in_signature="u")
    def CloseNotification(self, notification_id):
        pass


DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName(INTERFACE, bus)
Notifications(bus, "/org/freedesktop/Notifications")
print("ready", flush=True)
GLib.MainLoop().run()
