#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v2.0 only (see the xenlevel source tree)
"""xenlevel_level: compute the pool level on the controller, idempotently."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: xenlevel_level
short_description: Compute a Xen pool's CPUID level from host reports
description:
  - Runs C(xenlevel compute) over the host reports and writes the pool level
    to I(dest).  The generation grows only when the level's content (vendor,
    PV and HVM featuresets) changes, so a second run changes nothing.
  - Says whether the new level is lower (removes features) or higher (adds
    features) than the previous one, and gives the steps to roll out: when it
    both removes and adds, first the intersection of the two levels (so that
    every host is lowered before any is raised), then the new level.
  - Check mode computes and reports the diff but writes nothing.
version_added: "1.0.0"
options:
  reports:
    description: Host report files (C(xenlevel report)) on the controller.
    type: list
    elements: path
    required: true
  dest:
    description: The pool level file on the controller.
    type: path
    required: true
  name:
    description: The level's name.
    type: str
    default: pool
  mask:
    description: Features the site removes from the level (names, space-separated).
    type: str
    default: ""
  agent:
    description: The xenlevel binary on the controller.
    type: path
    default: xenlevel
  write:
    description:
      - Write the new level to I(dest).  C(false) only computes it (the
        compute role records it after every host has passed the check).
    type: bool
    default: true
  level_file:
    description:
      - Use this level file instead of computing one (a baseline, or a level
        made elsewhere); its content is taken as is, the generation rule
        still applies.
    type: path
author:
  - xenlevel
"""

EXAMPLES = r"""
- name: Compute the pool level
  xenlevel.pool.xenlevel_level:
    reports: "{{ query('fileglob', 'reports/*.report') }}"
    dest: pool.level
    name: pool-a
"""

RETURN = r"""
level:
  description: The level's text (written to dest unless in check mode).
  type: str
  returned: always
generation:
  description: The level's generation.
  type: int
  returned: always
previous_generation:
  description: The generation of the level dest held before, 0 when none.
  type: int
  returned: always
lowered:
  description: Features of the previous level that the new one lacks.
  type: list
  elements: str
  returned: always
raised:
  description: Features of the new level that the previous one lacked.
  type: list
  elements: str
  returned: always
steps:
  description: Level texts to roll out in order (the intersection first when the level is both lower and higher).
  type: list
  elements: str
  returned: always
"""

import json
import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule


def parse_level(text):
    """{'name', 'generation', 'vendor', 'pv', 'hvm'} of a level's text."""
    out, section = {"hvm": None}, None
    for line in text.splitlines():
        line = line.split(";", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^\[(\w+)\]$", line)
        if m:
            section = m.group(1)
            continue
        key, _, val = line.partition("=")
        key, val = key.strip(), val.strip()
        if section == "level" and key in ("name", "vendor"):
            out[key] = val
        elif section == "level" and key == "generation":
            out["generation"] = int(val)
        elif section in ("pv", "hvm") and key == "featureset":
            out[section] = val
    return out


def content(lv):
    return (lv.get("vendor"), lv.get("pv"), lv.get("hvm"))


def words_and(a, b):
    return ":".join("%08x" % (int(x, 16) & int(y, 16))
                    for x, y in zip(a.split(":"), b.split(":")))


def level_text(name, generation, vendor, pv, hvm, comment):
    text = "; %s\n[level]\nname = %s\ngeneration = %d\nvendor = %s\n\n[pv]\nfeatureset = %s\n" % (
        comment, name, generation, vendor, pv)
    if hvm:
        text += "\n[hvm]\nfeatureset = %s\n" % hvm
    return text


def main():
    module = AnsibleModule(
        argument_spec=dict(
            reports=dict(type="list", elements="path", required=True),
            dest=dict(type="path", required=True),
            name=dict(type="str", default="pool"),
            mask=dict(type="str", default=""),
            agent=dict(type="path", default="xenlevel"),
            level_file=dict(type="path"),
            write=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    p = module.params
    old_text = ""
    if os.path.exists(p["dest"]):
        with open(p["dest"]) as f:
            old_text = f.read()
    old = parse_level(old_text) if old_text else {}
    old_gen = old.get("generation", 0)

    tmpdir = tempfile.mkdtemp(prefix="xenlevel-compute.")
    try:
        conf = os.path.join(tmpdir, "site.conf")
        with open(conf, "w") as f:
            f.write("[policy]\nmask = %s\n" % p["mask"])
        cand = os.path.join(tmpdir, "candidate.level")
        if p["level_file"]:
            with open(p["level_file"]) as f:
                new_text = f.read()
            new = parse_level(new_text)
        else:
            if not p["reports"]:
                module.fail_json(msg="no host reports to compute the level from")
            cmd = [p["agent"], "-q", "-c", conf, "compute", "--name", p["name"],
                   "--generation", str(max(old_gen, 1)), "-o", cand] + p["reports"]
            rc, out, err = module.run_command(cmd)
            if rc != 0:
                module.fail_json(msg="xenlevel compute failed (exit %d): %s" % (rc, err.strip()),
                                 rc=rc, cmd=cmd)
            with open(cand) as f:
                new_text = f.read()
            new = parse_level(new_text)

        if old and content(old) == content(new) and (
                p["level_file"] is None or new.get("generation", 0) <= old_gen):
            module.exit_json(changed=False, level=old_text, generation=old_gen,
                             previous_generation=old_gen, lowered=[], raised=[],
                             steps=[], dest=p["dest"])

        gen = old_gen + 1
        lowered, raised, steps = [], [], []
        if p["level_file"] and new.get("generation", 0) > old_gen:
            gen = new["generation"]
        if old:
            # What the new level lacks and adds, named by the agent.
            with open(cand, "w") as f:
                f.write(level_text(new["name"] if "name" in new else p["name"], gen,
                                   new["vendor"], new["pv"], new["hvm"], "candidate"))
            prev = os.path.join(tmpdir, "previous.level")
            with open(prev, "w") as f:
                f.write(old_text)
            rc, out, err = module.run_command(
                [p["agent"], "-q", "-c", conf, "compare", "--json", "--level",
                 prev, "--to-level", cand])
            try:
                res = json.loads(out)
            except ValueError:
                module.fail_json(msg="xenlevel compare: no JSON (exit %d): %s" % (rc, err.strip()))
            if res["exit"] not in (0, 4):
                module.fail_json(msg="xenlevel compare: %s" % res.get("error", res["result"]))
            for r in res["results"]:
                lowered += [x for x in r["target_lacks"] if x not in lowered]
                raised += [x for x in r["source_lacks"] if x not in raised]
            if old.get("vendor") == new.get("vendor") and lowered and raised:
                # Lower every host before any is raised: the intersection first.
                inter_hvm = None
                if old.get("hvm") and new.get("hvm"):
                    inter_hvm = words_and(old["hvm"], new["hvm"])
                steps.append(level_text(
                    p["name"], gen, new["vendor"], words_and(old["pv"], new["pv"]),
                    inter_hvm, "the intersection of generations %d and %d: lower first"
                    % (old_gen, gen + 1)))
                gen += 1
        new_text = re.sub(r"(?m)^generation = \d+$", "generation = %d" % gen, new_text, count=1)
        if p["level_file"]:
            new_text = re.sub(r"(?m)^name = .*$", "name = %s" % new.get("name", p["name"]),
                              new_text, count=1)
        steps.append(new_text)
        diff = dict(before=old_text, after=new_text, before_header=p["dest"] + " (before)",
                    after_header=p["dest"] + " (after)")
        if p["write"] and not module.check_mode:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(p["dest"])),
                                       prefix=".pool.level.")
            with os.fdopen(fd, "w") as f:
                f.write(new_text)
            module.atomic_move(tmp, p["dest"])
        module.exit_json(changed=True, level=new_text, generation=gen,
                         previous_generation=old_gen, lowered=lowered, raised=raised,
                         steps=steps, dest=p["dest"], diff=diff)
    finally:
        for n in os.listdir(tmpdir):
            os.unlink(os.path.join(tmpdir, n))
        os.rmdir(tmpdir)


if __name__ == "__main__":
    main()
