"""Three researchers share a folder through real Syncthing instances on loopback, each
running `gloss sync dir --watch`; rounds of concurrent edits must converge.

Run by Scripts/test-syncthing: python3 mesh.py GLOSS SEED WORKDIR. Every Syncthing has its
own home and ports; discovery, relays, NAT and usage reporting are off, and devices know
each other by id at explicit tcp://127.0.0.1:PORT addresses. The REST API tells when a
device is idle and which files it pulled. Checks, after every round and at the end:
identical `gloss dump` everywhere; no `.sync-conflict-` file; no temporary file of gloss's
ever pulled by Syncthing (its ItemFinished events) or left in a folder; no file skipped by
gloss; every watcher stops cleanly on SIGINT. Every process started is stopped.

Then carol's laptop is cloned block for block (the copy records the same place, so it
cannot tell at opening): the copy edits offline (its folder paused) while carol goes on
editing and publishing; when the copy comes back, Syncthing brings it carol's files, and
its watcher must take a new identity, keep the copy's edits, and converge with everyone.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

PEOPLE = ["alice", "bob", "carol"]
ROUNDS = 5
OFFLINE_ROUND = 2  # carol's folder is paused for this round


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Device:
    def __init__(self, name, work, gloss):
        self.name = name
        self.home = os.path.join(work, "st-" + name)
        self.folder = os.path.join(work, "folder-" + name)
        self.store = os.path.join(work, name + ".sqlite")
        self.gloss_path = gloss
        self.gui = free_port()
        self.listen = free_port()
        self.key = "gloss-test-" + name
        os.makedirs(self.folder)
        subprocess.run(
            ["syncthing", "generate", "--home=" + self.home, "--no-default-folder", "--skip-port-probing"],
            check=True, capture_output=True)
        self.id = subprocess.run(
            ["syncthing", "serve", "--home=" + self.home, "--device-id"], check=True, capture_output=True,
            text=True).stdout.strip()
        self.syncthing = None
        self.watch = None

    def configure(self, devices):
        path = os.path.join(self.home, "config.xml")
        tree = ET.parse(path)
        root = tree.getroot()
        for device in root.findall("device"):
            root.remove(device)
        for folder in root.findall("folder"):
            root.remove(folder)
        folder = ET.SubElement(root, "folder", {
            "id": "gloss", "label": "gloss", "path": self.folder, "type": "sendreceive",
            "rescanIntervalS": "60", "fsWatcherEnabled": "true", "fsWatcherDelayS": "1"})
        for device in devices:
            element = ET.Element("device", {"id": device.id, "name": device.name, "compression": "metadata"})
            ET.SubElement(element, "address").text = "tcp://127.0.0.1:%d" % device.listen
            root.insert(0, element)
            ET.SubElement(folder, "device", {"id": device.id})
        gui = root.find("gui")
        gui.find("address").text = "127.0.0.1:%d" % self.gui
        gui.find("apikey").text = self.key
        options = root.find("options")
        settings = {
            "listenAddress": "tcp://127.0.0.1:%d" % self.listen, "globalAnnounceEnabled": "false",
            "localAnnounceEnabled": "false", "relaysEnabled": "false", "natEnabled": "false",
            "urAccepted": "-1", "autoUpgradeIntervalH": "0", "startBrowser": "false",
            "crashReportingEnabled": "false", "reconnectionIntervalS": "1"}
        for key, value in settings.items():
            element = options.find(key)
            if element is None:
                element = ET.SubElement(options, key)
            element.text = value
        tree.write(path)

    def start(self):
        log = open(os.path.join(self.home, "syncthing.log"), "w")
        self.syncthing = subprocess.Popen(
            ["syncthing", "serve", "--home=" + self.home, "--no-browser", "--no-restart",
             "--logfile=" + os.path.join(self.home, "syncthing-file.log")],
            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, STNOUPGRADE="1", STNODEFAULTFOLDER="1"))

    def rest(self, path, method="GET", body=None):
        request = urllib.request.Request(
            "http://127.0.0.1:%d%s" % (self.gui, path), method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"X-API-Key": self.key, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return json.loads(text) if text.strip() else None

    def gloss(self, *arguments, check=True):
        result = subprocess.run(
            [self.gloss_path, *arguments], capture_output=True, text=True,
            env=dict(os.environ, GLOSS_STORE=self.store, NO_COLOR="1"))
        if check and result.returncode != 0:
            raise SystemExit("%s: gloss %s failed: %s" % (self.name, " ".join(arguments), result.stderr))
        return result.stdout

    def start_watch(self):
        log = open(os.path.join(os.path.dirname(self.store), "watch-%s.log" % self.name), "a")
        self.watch = subprocess.Popen(
            [self.gloss_path, "sync", "dir", "--watch", "--trust", self.folder],
            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, GLOSS_STORE=self.store, NO_COLOR="1"))

    def stop_watch(self):
        self.watch.send_signal(signal.SIGINT)
        code = self.watch.wait(timeout=20)
        if code != 0:
            raise SystemExit("%s: sync dir --watch exited %d on SIGINT" % (self.name, code))
        self.watch = None


def wait_until(what, condition, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if condition():
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    raise SystemExit("timed out after %d s waiting until %s" % (timeout, what))


def idle(devices):
    for device in devices:
        status = device.rest("/rest/db/status?folder=gloss")
        if status["state"] != "idle" or status["needTotalItems"] != 0:
            return False
    return True


def converged(devices):
    dumps = [device.gloss("dump") for device in devices]
    return all(dump == dumps[0] for dump in dumps)


def block_clone(original, copy):
    """Copies `original`'s store file to `copy`'s and records the copy's place as the
    original's was recorded: what a restored disk image looks like when it opens."""
    for suffix in ["", "-wal"]:
        if os.path.exists(original.store + suffix):
            shutil.copyfile(original.store + suffix, copy.store + suffix)
    with open("/etc/machine-id") as machine:
        place = "%s:%d" % (machine.read().strip(), os.stat(copy.store).st_ino)
    subprocess.run(["sqlite3", copy.store, "UPDATE meta SET value = '%s' WHERE key = 'location'" % place],
                   check=True)


def clone_round(devices, copy, records):
    """carol's laptop cloned; the copy edits offline, carol goes on; then the copy is back."""
    carol = devices[2]
    record = records[0]
    carol.stop_watch()
    block_clone(carol, copy)
    copy.rest("/rest/config/folders/gloss", "PATCH", {"paused": True})
    copy.gloss("tag", record, "from-the-copy")
    copy.gloss("note", record, "written on the copy while offline")
    carol.start_watch()
    carol.gloss("tag", record, "from-carol-after-the-copy")
    wait_until("carol's edit reaches alice and bob", lambda: idle(devices) and converged(devices), 120)
    started = time.time()
    copy.rest("/rest/config/folders/gloss", "PATCH", {"paused": False})
    wait_until("the copy's folder has carol's files", lambda: idle(devices + [copy]), 120)
    copy.start_watch()
    everyone = devices + [copy]
    wait_until("the copy heals and everyone converges", lambda: idle(everyone) and converged(everyone), 120)
    shown = json.loads(devices[0].gloss("show", record, "--json"))
    for text in ["from-the-copy", "from-carol-after-the-copy"]:
        if text not in shown.get("tags", []):
            raise SystemExit("the tag %s was lost after the copy healed" % text)
    notes = [n["body"] for n in json.loads(devices[0].gloss("notes", record, "--json"))]
    if "written on the copy while offline" not in notes:
        raise SystemExit("the copy's note was lost after it healed")
    with open(os.path.join(os.path.dirname(copy.store), "watch-%s.log" % copy.name)) as log:
        if "another copy of this store" not in log.read():
            raise SystemExit("the copy never said it took a new identity")
    print("clone: the copy healed and converged in %.1f s" % (time.time() - started), flush=True)


def main():
    gloss, seed, work = sys.argv[1:4]
    randomness = random.Random(7)
    devices = [Device(name, work, gloss) for name in PEOPLE]
    copy = Device("carol-copy", work, gloss)
    try:
        for device in devices + [copy]:
            device.configure(devices + [copy])
            device.start()
        for device in devices + [copy]:
            wait_until(device.name + "'s Syncthing answers", lambda d=device: d.rest("/rest/system/ping"), 60)
        wait_until("the devices are connected", lambda: all(
            all(c["connected"] for i, c in d.rest("/rest/system/connections")["connections"].items() if i != d.id)
            for d in devices + [copy]), 60)
        for device in devices:
            device.gloss("init", "--name", device.name)
        devices[0].gloss("import", seed)
        for device in devices:
            device.start_watch()
        wait_until("everyone has the seed", lambda: all(
            len(json.loads(d.gloss("list", "--json"))) == 30 for d in devices), 90)
        records = [r["id"] for r in json.loads(devices[0].gloss("list", "--json"))]
        timings = []
        for round in range(ROUNDS):
            started = time.time()
            offline = devices[2] if round == OFFLINE_ROUND else None
            if offline:
                offline.rest("/rest/config/folders/gloss", "PATCH", {"paused": True})
            # Everyone edits at once: tags, notes, statuses on the same records.
            edits = []
            for device in devices:
                record = randomness.choice(records[:5])
                edits.append(subprocess.Popen(
                    [gloss, "tag", record, "r%d-%s" % (round, device.name)],
                    env=dict(os.environ, GLOSS_STORE=device.store), stdout=subprocess.DEVNULL))
                edits.append(subprocess.Popen(
                    [gloss, "note", record, "round %d from %s" % (round, device.name)],
                    env=dict(os.environ, GLOSS_STORE=device.store), stdout=subprocess.DEVNULL))
                edits.append(subprocess.Popen(
                    [gloss, "status", record, randomness.choice(["reading", "read", "skimmed"])],
                    env=dict(os.environ, GLOSS_STORE=device.store), stdout=subprocess.DEVNULL))
            for edit in edits:
                if edit.wait() != 0:
                    raise SystemExit("an edit failed in round %d" % round)
            online = [d for d in devices if d is not offline]
            wait_until("round %d converges" % round, lambda: idle(online) and converged(online), 120)
            if offline:
                if offline.gloss("dump") == online[0].gloss("dump"):
                    raise SystemExit("%s's folder was paused, yet its store kept in step" % offline.name)
                offline.rest("/rest/config/folders/gloss", "PATCH", {"paused": False})
                wait_until("round %d converges after %s is back" % (round, offline.name),
                           lambda: idle(devices) and converged(devices), 120)
            timings.append(time.time() - started)
            print("round %d: converged in %.1f s%s" % (
                round, timings[-1], " (%s offline, then back)" % offline.name if offline else ""), flush=True)
        clone_round(devices, copy, records)
        devices.append(copy)
        for device in devices:
            device.stop_watch()
        problems = []
        for device in devices:
            names = os.listdir(device.folder)
            problems += ["%s: %s" % (device.name, n) for n in names if "sync-conflict" in n]
            problems += ["%s: temporary file left: %s" % (device.name, n) for n in names
                         if n.startswith("~") or n.startswith(".syncthing.") or n.endswith(".tmp")]
            # The default subscription, buffered since start-up (a filtered one would only
            # see events from its first request on).
            events = [e for e in device.rest("/rest/events?since=0&timeout=1") or [] if e["type"] == "ItemFinished"]
            pulled = [e["data"]["item"] for e in events]
            if not any(n.endswith(".gloss") for n in pulled):
                problems.append("%s pulled no bundle at all: the event check sees nothing" % device.name)
            problems += ["%s pulled a temporary file: %s" % (device.name, n) for n in pulled
                         if os.path.basename(n).startswith(("~syncthing~", ".syncthing.")) or n.endswith(".tmp")]
            problems += ["%s: %s" % (device.name, e["data"]["error"]) for e in events if e["data"].get("error")]
            with open(os.path.join(work, "watch-%s.log" % device.name)) as log:
                problems += ["%s: %s" % (device.name, line.strip()) for line in log if "skipped" in line]
        if problems:
            raise SystemExit("problems:\n  " + "\n  ".join(problems))
        files = sorted(os.listdir(devices[0].folder))
        size = sum(os.path.getsize(os.path.join(devices[0].folder, n)) for n in files)
        print("converged: %d rounds, median %.1f s; folder %d files, %d bytes; no conflict copies, "
              "no temporary file transferred" % (ROUNDS, sorted(timings)[len(timings) // 2], len(files), size))
    finally:
        for device in devices + ([] if copy in devices else [copy]):
            if device.watch and device.watch.poll() is None:
                device.watch.kill()
            if device.syncthing and device.syncthing.poll() is None:
                try:
                    device.rest("/rest/system/shutdown", "POST")
                    device.syncthing.wait(timeout=20)
                except Exception:
                    device.syncthing.kill()
                    device.syncthing.wait()


if __name__ == "__main__":
    main()
