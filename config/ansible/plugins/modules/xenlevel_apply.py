#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v2.0 only (see the xenlevel source tree)
"""xenlevel_apply: install a pool level on a Xen host, idempotently."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: xenlevel_apply
short_description: Install a xenlevel pool level on a running Xen host
description:
  - Installs the level live (C(xenlevel apply), or C(xenlevel publish) for
    the host's watcher) and persists it for the next boot
    (/var/lib/xenlevel/level, written by the agent), and writes the site
    level file that the boot rule reads.
  - Idempotent; changes nothing when Xen's PV and HVM defaults already are
    the level and both files hold it.
  - Check mode runs C(xenlevel apply --dry-run --json) and returns, with
    C(--diff), what would change on this host.
  - A host that cannot take the level (exit 4, 5, 6, 8, ...) fails the task
    with the agent's reason, before anything is changed.
version_added: "1.0.0"
options:
  level:
    description: The level's text.
    type: str
    required: true
  method:
    description: C(apply) installs at once; C(publish) writes the level to
      the local xenstore and waits until the watcher has applied it.
    type: str
    choices: [apply, publish]
    default: apply
  site_level:
    description: The site level file (the boot rule's fallback).
    type: path
    default: /etc/xen/xenlevel/level
  persist:
    description: The persisted level (the site config's persist key).
    type: path
    default: /var/lib/xenlevel/level
  agent:
    description: The xenlevel binary on the host.
    type: path
    default: xenlevel
  validate_only:
    description: Only say whether this host can take the level (C(can_take),
      C(reason)) and what would change (C(would_change)); change nothing and
      report C(changed=false) (the check role).
    type: bool
    default: false
  timeout:
    description: Seconds to wait for the watcher (method publish).
    type: int
    default: 120
author:
  - xenlevel
"""

EXAMPLES = r"""
- name: Install the pool level
  xenlevel.pool.xenlevel_apply:
    level: "{{ lookup('file', 'pool.level') }}"
"""

RETURN = r"""
defaults_changed:
  description: Xen's default policies changed (or would change).
  type: bool
  returned: always
removed:
  description: Features the new defaults remove (PV and HVM).
  type: list
  elements: str
  returned: always
added:
  description: Features the new defaults add (PV and HVM).
  type: list
  elements: str
  returned: always
agent:
  description: The agent's JSON object (apply --json, or the dry run's).
  type: dict
  returned: always
"""

import json
import os
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except (IOError, OSError):
        return None


def level_key(text):
    """What a level is (name, generation, vendor, featuresets), whatever its
    comments and layout: the agent persists its own rendering of a level."""
    if text is None:
        return None
    out, section = {}, None
    for line in text.splitlines():
        line = line.split(";", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, val = line.partition("=")
        key, val = key.strip(), val.strip()
        if (section == "level" and key in ("name", "generation", "vendor")) or \
                (section in ("pv", "hvm") and key == "featureset"):
            out["%s.%s" % (section, key)] = val
    return out


def agent_json(module, cmd):
    rc, out, err = module.run_command(cmd)
    try:
        obj = json.loads(out)
    except ValueError:
        module.fail_json(msg="%s: no JSON (exit %d): %s" % (" ".join(cmd), rc, err.strip()),
                         rc=rc)
    return rc, obj, err


def main():
    module = AnsibleModule(
        argument_spec=dict(
            level=dict(type="str", required=True),
            method=dict(type="str", default="apply", choices=["apply", "publish"]),
            site_level=dict(type="path", default="/etc/xen/xenlevel/level"),
            persist=dict(type="path", default="/var/lib/xenlevel/level"),
            agent=dict(type="path", default="xenlevel"),
            validate_only=dict(type="bool", default=False),
            timeout=dict(type="int", default=120),
        ),
        supports_check_mode=True,
    )
    p = module.params
    text = p["level"] if p["level"].endswith("\n") else p["level"] + "\n"
    fd, tmp = tempfile.mkstemp(prefix="xenlevel-level.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    try:
        rc, dry, err = agent_json(module, [p["agent"], "apply", "--dry-run", "--json", tmp])
        if rc != 0:
            why = "cannot take level %s generation %s: %s (exit %d, %s)" % (
                dry.get("level", {}).get("name"), dry.get("level", {}).get("generation"),
                dry.get("reason") or dry.get("error"), rc, dry["result"])
            if p["validate_only"]:
                # Not "rc": Ansible marks any result with a non-zero rc failed.
                module.exit_json(changed=False, can_take=False, reason=why, exit=rc,
                                 agent=dry)
            module.fail_json(msg=why, rc=rc, agent=dry)
        removed, added = [], []
        for k in ("pv_default", "hvm_default"):
            d = dry.get(k) or {}
            removed += ["%s:%s" % (k[:-8], x) for x in d.get("removed", [])]
            added += ["%s:%s" % (k[:-8], x) for x in d.get("added", [])]
        site_old, persist_old = read(p["site_level"]), read(p["persist"])
        defaults_changed = bool(dry["changed"])
        persist_same = level_key(persist_old) == level_key(text)
        changed = defaults_changed or site_old != text or not persist_same
        lv = dry["level"]
        prepared = "level %s generation %s on %s\n" % (lv["name"], lv["generation"], dry.get("host"))
        prepared += dry.get("diff", "")
        if site_old != text:
            prepared += "%s: %s\n" % (p["site_level"], "replaced" if site_old else "created")
        if not persist_same:
            prepared += "%s: %s\n" % (p["persist"], "replaced" if persist_old else "created")
        result = dict(changed=changed, defaults_changed=defaults_changed, removed=removed,
                      added=added, agent=dry)
        if p["validate_only"]:
            result["would_change"] = changed
            result["can_take"] = True
            result["changed"] = False
            module.exit_json(**result)
        if changed:
            result["diff"] = dict(prepared=prepared)
        if module.check_mode or not changed:
            module.exit_json(**result)

        # The site level first (atomically): the boot rule's fallback.
        d = os.path.dirname(p["site_level"])
        if not os.path.isdir(d):
            os.makedirs(d, 0o755)
        fd, stmp = tempfile.mkstemp(dir=d, prefix=".level.")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(stmp, 0o644)
        module.atomic_move(stmp, p["site_level"])
        if p["method"] == "apply":
            rc, res, err = agent_json(module, [p["agent"], "apply", "--json", tmp])
            result["agent"] = res
            result["stderr_lines"] = err.splitlines()
            if rc != 0:
                module.fail_json(msg="xenlevel apply failed (exit %d, %s): %s"
                                 % (rc, res["result"], res.get("reason") or res.get("error")),
                                 **result)
        else:
            rc, out, err = module.run_command([p["agent"], "publish", tmp])
            if rc != 0:
                module.fail_json(msg="xenlevel publish failed (exit %d): %s" % (rc, err.strip()),
                                 **result)
            end = time.time() + p["timeout"]
            while True:
                rc, st, err = agent_json(module, [p["agent"], "status", "--json"])
                rec = st.get("status") or {}
                if rec.get("generation") == lv["generation"] and rec.get("state") == "levelled" \
                        and st.get("levelled"):
                    break
                if rec.get("generation") == lv["generation"] and rec.get("state") in ("refused", "unlevelled"):
                    module.fail_json(msg="the watcher did not apply the level: %s" % rec.get("reason"),
                                     **result)
                if time.time() > end:
                    module.fail_json(msg="the watcher did not apply generation %s within %d s"
                                     % (lv["generation"], p["timeout"]), **result)
                time.sleep(2)
            result["agent"] = st
        module.exit_json(**result)
    finally:
        os.unlink(tmp)


if __name__ == "__main__":
    main()
