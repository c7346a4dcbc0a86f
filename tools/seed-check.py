#!/usr/bin/env python3
"""Validate the development-portal seed data in assets/seed/.

Usage:
    tools/seed-check.py                      # validate only (read-only, default)
    tools/seed-check.py --seed-dir DIR       # validate another copy of the seed files
    tools/seed-check.py --regen-podnikatel   # rewrite the 500 generated obligations of
                                             # "demo-podnikatel" in citizens.json, then validate

Checks (exit status 1 on the first run that finds any problem, all problems are listed):
  * every file is UTF-8 JSON with the documented top-level shape and camelCase keys;
  * services: >= 60 items, unique kebab-case ids, 1-2 known categories, departmentId exists
    in contacts.json, 0-3 forms whose URL extension matches the format, reservation URL shape,
    every phone number quoted in "withWhom" belongs to a department or person in contacts.json;
  * contacts: 10-16 departments, 2-5 people each, phone/e-mail/office-hour formats;
  * elections: at least one election after the demo's today (past ones may stay, for "the last
    election was …"), >= 20 districts, >= 120 distinct street names, house-number specs
    ("all", "odd", "even", "A-B") that never overlap for the same street; optional entrance,
    accessibility and map (geo:LAT,LON or an https link) of a polling room;
  * citizens: unique ids, polling district consistent with the address, obligations with
    valid amounts, dates, numeric variable symbols and IBANs that pass both the ISO 13616
    mod-97 check and the Czech mod-11 account check and are one of the town accounts below;
    the three deliberately broken test obligations must stay broken (their "note" marks them);
    submissions use the right Europe/Prague UTC offset; demo-podnikatel has 500 obligations.

Only the Python standard library is used.
"""

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

TODAY = dt.date(2026, 11, 27)  # the demo's "today"; overdue = due before this date

# The town's (fictional) collection accounts used by the seed data. Domestic form is
# prefix-number/bank; each must pass the Czech mod-11 rule and its IBAN the mod-97 rule.
TOWN_ACCOUNTS = {
    "waste": ("19-4260105309/0800", "CZ7708000000194260105309"),   # komunální odpad, smluvní odvoz
    "fees": ("19-4260107208/0100", "CZ6001000000194260107208"),    # psi, ostatní poplatky, nájemné
    "fines": ("27-4260109502/0800", "CZ5408000000274260109502"),   # pokuty městské policie
}
KIND_ACCOUNT = {"waste": "waste", "dog": "fees", "fine": "fines"}  # "other" may use waste or fees

TEST_NOTE_IBAN = "invalid IBAN for tests"
TEST_NOTE_VS = "invalid variable symbol for tests"
TEST_NOTE_ZERO = "zero amount for tests"

CATEGORIES = {
    "Doklady a evidence obyvatel", "Doprava a řidiči", "Odpady a poplatky", "Psi a zvířata",
    "Stavby a bydlení", "Sociální věci a senioři", "Rodina a děti", "Podnikání a živnosti",
    "Životní prostředí", "Volby", "Matrika", "Městská policie a přestupky", "Úřad a samospráva",
}
DAYS = ["pondělí", "úterý", "středa", "čtvrtek", "pátek", "sobota", "neděle"]
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PHONE = re.compile(r"^(\+420 \d{3} \d{3} \d{3}|15[0-9]|112)$")
PHONE_IN_TEXT = re.compile(r"\+420 \d{3} \d{3} \d{3}|\btel\. (15[0-9])\b")
EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
AMOUNT = re.compile(r"^\d+\.\d{2}$")
FORM_URL = re.compile(r"^https://obcan\.litomerice\.cz/formulare/[a-z0-9-]+\.(pdf|zfo|docx)$")
RES_URL = re.compile(r"^https://rezervace\.litomerice\.cz/[a-z0-9-]+$")
RANGE = re.compile(r"^(\d+)-(\d+)$")
ADDRESS = re.compile(r"^(?P<street>.+?) (?:\d+/)?(?P<num>\d+)[a-z]?, 412 01 Litoměřice$")

SERVICE_KEYS = ["id", "title", "categories", "departmentId", "summary", "where", "how", "withWhom",
                "cost", "bring", "deadlines", "forms", "reservationUrl", "updatedAt"]
# Optional parts of a service (absent when the service has none).
SERVICE_OPTIONAL = ["keywords", "room", "steps", "contact", "url"]
DEPT_KEYS = ["id", "name", "building", "address", "phone", "email", "officeHours", "people"]
PERSON_KEYS = ["name", "role", "phone", "email", "room"]
DISTRICT_KEYS = ["number", "place", "address", "room", "streets"]
# Optional: how to get into the polling room, and where it is on a map.
DISTRICT_OPTIONAL = ["entrance", "accessibility", "map"]
GEO = re.compile(r"^geo:(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)$")
ELECTION_KEYS = ["id", "title", "days", "hours"]
CITIZEN_KEYS = ["id", "certificateSubject", "firstName", "lastName", "address", "pollingDistrict",
                "obligations", "submissions", "notices", "watchdog"]
OBLIGATION_KEYS = ["id", "kind", "title", "period", "amountCzk", "dueDate", "paid", "paidAt",
                   "accountIban", "variableSymbol", "specificSymbol", "constantSymbol", "note"]
SUBMISSION_KEYS = ["id", "title", "submittedAt", "state", "stateText", "lastActivityAt"]
NOTICE_KEYS = ["title", "text", "date"]
STATES = {"received", "in-progress", "waiting-for-citizen", "decided", "closed"}
KINDS = {"waste", "dog", "fine", "other"}


# ----------------------------------------------------------------------------- helpers

class Report:
    def __init__(self):
        self.errors = []
        self.notes = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def note(self, msg):
        self.notes.append(msg)


def iban_mod97_ok(iban):
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def cz_mod11_ok(prefix, number):
    p, n = prefix.zfill(6), number.zfill(10)
    if len(p) != 6 or len(n) != 10 or not (p + n).isdigit():
        return False
    wp, wn = [10, 5, 8, 4, 2, 1], [6, 3, 7, 9, 10, 5, 8, 4, 2, 1]
    return (sum(int(a) * b for a, b in zip(p, wp)) % 11 == 0
            and sum(int(a) * b for a, b in zip(n, wn)) % 11 == 0)


def cz_iban_ok(iban):
    """Both checks: ISO 13616 mod-97 and the Czech mod-11 account number rule."""
    if not (iban.startswith("CZ") and len(iban) == 24 and iban_mod97_ok(iban)):
        return False
    return cz_mod11_ok(iban[8:14], iban[14:24])


def iban_from_domestic(domestic):
    m = re.fullmatch(r"(?:(\d{1,6})-)?(\d{2,10})/(\d{4})", domestic)
    prefix, number, bank = (m.group(1) or "0"), m.group(2), m.group(3)
    bban = bank + prefix.zfill(6) + number.zfill(10)
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "CZ00")) % 97
    return f"CZ{check:02d}{bban}"


def parse_date(s):
    try:
        return dt.date.fromisoformat(s) if isinstance(s, str) and len(s) == 10 else None
    except ValueError:
        return None


def parse_ts(s):
    if not isinstance(s, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", s):
        return None
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        return None


def prague_offset(ts):
    try:
        from zoneinfo import ZoneInfo
        return ts.astimezone(ZoneInfo("Europe/Prague")).utcoffset()
    except Exception:  # no tz database available: skip the check
        return None


def check_keys(rep, where, obj, keys, optional=()):
    if not isinstance(obj, dict):
        rep.err(where, "not an object")
        return False
    missing = [k for k in keys if k not in obj]
    extra = [k for k in obj if k not in keys and k not in optional]
    if missing:
        rep.err(where, f"missing keys {missing}")
    if extra:
        rep.err(where, f"unexpected keys {extra}")
    return not missing


def nonempty_str(rep, where, value, allow_empty=False):
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        rep.err(where, "must be a non-empty string" if not allow_empty else "must be a string")
        return False
    if value != value.strip():
        rep.err(where, "has leading/trailing whitespace")
    return True


def numbers_set(spec):
    """Return ('all'|'odd'|'even'|(a, b)) or None for an invalid spec."""
    if spec in ("all", "odd", "even"):
        return spec
    m = RANGE.match(spec) if isinstance(spec, str) else None
    if m and 1 <= int(m.group(1)) <= int(m.group(2)):
        return (int(m.group(1)), int(m.group(2)))
    return None


def specs_overlap(a, b):
    if a == "all" or b == "all":
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, str):
        a, b = b, a
    lo, hi = a  # a is a range now
    if isinstance(b, tuple):
        return not (hi < b[0] or b[1] < lo)
    want = 1 if b == "odd" else 0
    return any(n % 2 == want for n in range(lo, min(hi, lo + 1) + 1))


def spec_contains(spec, n):
    if spec == "all":
        return True
    if spec == "odd":
        return n % 2 == 1
    if spec == "even":
        return n % 2 == 0
    return spec[0] <= n <= spec[1]


# ----------------------------------------------------------------------------- files

def check_contacts(rep, data):
    depts = data.get("departments") if isinstance(data, dict) else None
    if not isinstance(depts, list):
        rep.err("contacts.json", "expected {\"departments\": [...]}")
        return {}, set()
    if not 10 <= len(depts) <= 16:
        rep.err("contacts.json", f"{len(depts)} departments, expected 10-16")
    ids, phones = {}, set()
    for i, d in enumerate(depts):
        w = f"contacts.departments[{i}]"
        if not check_keys(rep, w, d, DEPT_KEYS):
            continue
        w = f"contacts[{d['id']}]"
        if not isinstance(d["id"], str) or not KEBAB.match(d["id"]):
            rep.err(w, "id is not kebab-case ASCII")
        if d["id"] in ids:
            rep.err(w, "duplicate id")
        ids[d["id"]] = d
        for k in ("name", "building", "address"):
            nonempty_str(rep, f"{w}.{k}", d[k])
        if not str(d["address"]).endswith("412 01 Litoměřice"):
            rep.err(w, "address should end with '412 01 Litoměřice'")
        if not PHONE.match(str(d["phone"])):
            rep.err(w, f"bad phone {d['phone']!r}")
        phones.add(d["phone"])
        if not EMAIL.match(str(d["email"])):
            rep.err(w, f"bad e-mail {d['email']!r}")
        oh = d["officeHours"]
        if not isinstance(oh, list) or not oh:
            rep.err(w, "officeHours must be a non-empty list")
            oh = []
        for j, h in enumerate(oh):
            hw = f"{w}.officeHours[{j}]"
            if not check_keys(rep, hw, h, ["day", "from", "to"]):
                continue
            if h["day"] not in DAYS:
                rep.err(hw, f"unknown day {h['day']!r}")
            if not (HHMM.match(str(h["from"])) and HHMM.match(str(h["to"]))) or h["from"] >= h["to"]:
                rep.err(hw, f"bad interval {h['from']}-{h['to']}")
        people = d["people"]
        if not isinstance(people, list) or not 2 <= len(people) <= 5:
            rep.err(w, "people must list 2-5 entries")
            people = people if isinstance(people, list) else []
        for j, p in enumerate(people):
            pw = f"{w}.people[{j}]"
            if not check_keys(rep, pw, p, PERSON_KEYS):
                continue
            for k in ("name", "role", "room"):
                nonempty_str(rep, f"{pw}.{k}", p[k])
            if not PHONE.match(str(p["phone"])):
                rep.err(pw, f"bad phone {p['phone']!r}")
            phones.add(p["phone"])
            if not EMAIL.match(str(p["email"])):
                rep.err(pw, f"bad e-mail {p['email']!r}")
    person_phones = [p["phone"] for d in depts if isinstance(d, dict) for p in d.get("people", [])
                     if isinstance(p, dict) and str(p.get("phone", "")).startswith("+420 416 916 1")]
    dup = {x for x in person_phones if person_phones.count(x) > 1}
    if dup:
        rep.err("contacts.json", f"direct numbers used twice: {sorted(dup)}")
    rep.note(f"contacts: {len(depts)} departments, {sum(len(d.get('people', [])) for d in depts)} people")
    return ids, phones


def check_services(rep, data, dept_ids, phones):
    items = data.get("services") if isinstance(data, dict) else None
    if not isinstance(items, list):
        rep.err("services.json", "expected {\"services\": [...]}")
        return
    if len(items) < 60:
        rep.err("services.json", f"only {len(items)} services, need >= 60")
    seen, cats_used = set(), {}
    for i, s in enumerate(items):
        w = f"services[{i}]"
        if not check_keys(rep, w, s, SERVICE_KEYS, SERVICE_OPTIONAL):
            continue
        w = f"services[{s['id']}]"
        if not isinstance(s["id"], str) or not KEBAB.match(s["id"]):
            rep.err(w, "id is not kebab-case ASCII")
        if s["id"] in seen:
            rep.err(w, "duplicate id")
        seen.add(s["id"])
        for k in ("title", "summary", "where", "how", "withWhom", "cost"):
            nonempty_str(rep, f"{w}.{k}", s[k])
        nonempty_str(rep, f"{w}.deadlines", s["deadlines"], allow_empty=True)
        cats = s["categories"]
        if not isinstance(cats, list) or not 1 <= len(cats) <= 2 or len(set(cats)) != len(cats):
            rep.err(w, "categories must be 1-2 distinct strings")
        else:
            for c in cats:
                if c not in CATEGORIES:
                    rep.err(w, f"unknown category {c!r}")
                cats_used[c] = cats_used.get(c, 0) + 1
        if s["departmentId"] not in dept_ids:
            rep.err(w, f"departmentId {s['departmentId']!r} not in contacts.json")
        if not isinstance(s["bring"], list) or not all(isinstance(b, str) and b.strip() for b in s["bring"]):
            rep.err(w, "bring must be a list of non-empty strings")
        forms = s["forms"]
        if not isinstance(forms, list) or len(forms) > 3:
            rep.err(w, "forms must be a list of 0-3 items")
            forms = []
        urls = set()
        for j, f in enumerate(forms):
            fw = f"{w}.forms[{j}]"
            if not check_keys(rep, fw, f, ["name", "format", "url"]):
                continue
            nonempty_str(rep, f"{fw}.name", f["name"])
            if f["format"] not in ("PDF", "ZFO", "DOCX"):
                rep.err(fw, f"format {f['format']!r} not PDF/ZFO/DOCX")
            m = FORM_URL.match(str(f["url"]))
            if not m or m.group(1) != str(f["format"]).lower():
                rep.err(fw, f"url {f['url']!r} does not match the pattern/format")
            if f["url"] in urls:
                rep.err(fw, "duplicate form url")
            urls.add(f["url"])
        for k in ("keywords", "steps"):
            v = s.get(k, [])
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                rep.err(w, f"{k} must be a list of non-empty strings")
        nonempty_str(rep, f"{w}.room", s.get("room", "-"))
        c = s.get("contact")
        if c is not None and check_keys(rep, f"{w}.contact", c, ["name", "phone"]):
            nonempty_str(rep, f"{w}.contact.name", c["name"])
            if c["phone"] not in phones:
                rep.err(w, f"contact phone {c['phone']} is not in contacts.json")
        if "url" in s and s["url"] != "https://obcan.litomerice.cz/sluzby/" + s["id"]:
            rep.err(w, f"url {s['url']!r} is not the service's portal page")
        r = s["reservationUrl"]
        if r is not None and not RES_URL.match(str(r)):
            rep.err(w, f"reservationUrl {r!r} has the wrong shape")
        d = parse_date(s["updatedAt"])
        if d is None or d > TODAY:
            rep.err(w, f"updatedAt {s['updatedAt']!r} is not a past ISO date")
        for m in PHONE_IN_TEXT.finditer(str(s["withWhom"])):
            number = m.group(1) or m.group(0)
            if number not in phones:
                rep.err(w, f"withWhom quotes {number} which is not in contacts.json")
    rep.note(f"services: {len(items)} items in {len(cats_used)} categories")


def check_elections(rep, data):
    if not isinstance(data, dict) or not isinstance(data.get("elections"), list) \
            or not isinstance(data.get("districts"), list):
        rep.err("elections.json", "expected {\"elections\": [...], \"districts\": [...]}")
        return {}
    eids = set()
    upcoming = 0
    for i, e in enumerate(data["elections"]):
        w = f"elections[{i}]"
        if not check_keys(rep, w, e, ELECTION_KEYS):
            continue
        if not KEBAB.match(str(e["id"])) or e["id"] in eids:
            rep.err(w, "id must be unique kebab-case")
        eids.add(e["id"])
        nonempty_str(rep, f"{w}.title", e["title"])
        days = [parse_date(x) for x in e["days"]] if isinstance(e["days"], list) else [None]
        if not days or None in days or days != sorted(days):
            rep.err(w, "days must be ISO dates in order")
        elif days[0] > TODAY:
            upcoming += 1
        if not isinstance(e["hours"], list) or len(e["hours"]) != len(e["days"]):
            rep.err(w, "hours must have one entry per day")
    if upcoming < 1:
        rep.err("elections.json", "no election after the demo's today: the elections screen needs one")
    districts = data["districts"]
    if len(districts) < 20:
        rep.err("elections.json", f"only {len(districts)} districts, need >= 20")
    by_street, numbers = {}, set()
    for i, d in enumerate(districts):
        w = f"districts[{i}]"
        if not check_keys(rep, w, d, DISTRICT_KEYS, DISTRICT_OPTIONAL):
            continue
        for k in ("entrance", "accessibility"):
            if k in d:
                nonempty_str(rep, f"{w}.{k}", d[k])
        if "map" in d:
            m = GEO.match(str(d["map"]))
            if m:
                lat, lon = float(m.group(1)), float(m.group(2))
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    rep.err(w, f"map {d['map']!r} is outside the globe")
            elif not str(d["map"]).startswith("https://"):
                rep.err(w, f"map {d['map']!r} is neither geo:LAT,LON nor an https link")
        if not isinstance(d["number"], int) or d["number"] in numbers:
            rep.err(w, "number must be a unique integer")
        numbers.add(d["number"])
        for k in ("place", "address", "room"):
            nonempty_str(rep, f"{w}.{k}", d[k])
        if not isinstance(d["streets"], list) or not d["streets"]:
            rep.err(w, "streets must be a non-empty list")
            continue
        for j, s in enumerate(d["streets"]):
            sw = f"{w}.streets[{j}]"
            if not check_keys(rep, sw, s, ["street", "numbers"]):
                continue
            nonempty_str(rep, f"{sw}.street", s["street"])
            spec = numbers_set(s["numbers"])
            if spec is None:
                rep.err(sw, f"numbers {s['numbers']!r} is not all/odd/even/A-B")
                continue
            by_street.setdefault(s["street"], []).append((d["number"], spec, s["numbers"]))
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        rep.err("elections.json", "district numbers should be 1..N without gaps")
    for street, specs in by_street.items():
        for a in range(len(specs)):
            for b in range(a + 1, len(specs)):
                if specs_overlap(specs[a][1], specs[b][1]):
                    rep.err("elections.json", f"{street}: '{specs[a][2]}' (okrsek {specs[a][0]}) overlaps "
                                              f"'{specs[b][2]}' (okrsek {specs[b][0]})")
    if len(by_street) < 120:
        rep.err("elections.json", f"only {len(by_street)} distinct streets, need >= 120")
    rep.note(f"elections: {len(data['elections'])} elections ({upcoming} upcoming), {len(districts)} districts, "
             f"{len(by_street)} distinct streets")
    return by_street


def resolve_district(by_street, address):
    m = ADDRESS.match(address or "")
    if not m:
        return None, "address is not 'Ulice číslo, 412 01 Litoměřice'"
    hits = [num for num, spec, _ in by_street.get(m.group("street"), [])
            if spec_contains(spec, int(m.group("num")))]
    if len(hits) != 1:
        return None, f"address resolves to districts {hits}"
    return hits[0], None


def check_citizens(rep, data, by_street):
    items = data.get("citizens") if isinstance(data, dict) else None
    if not isinstance(items, list) or not 2 <= len(items) <= 4:
        rep.err("citizens.json", "expected {\"citizens\": [...]} with 2-4 citizens")
        return
    town_ibans = {iban: key for key, (_, iban) in TOWN_ACCOUNTS.items()}
    cids, oids, sids = set(), set(), set()
    test_marks = {TEST_NOTE_IBAN: 0, TEST_NOTE_VS: 0, TEST_NOTE_ZERO: 0}
    for c in items:
        w = f"citizens[{c.get('id') if isinstance(c, dict) else '?'}]"
        if not check_keys(rep, w, c, CITIZEN_KEYS):
            continue
        if not KEBAB.match(str(c["id"])) or c["id"] in cids:
            rep.err(w, "id must be unique kebab-case")
        cids.add(c["id"])
        for k in ("firstName", "lastName", "certificateSubject", "address"):
            nonempty_str(rep, f"{w}.{k}", c[k])
        if "SERIALNUMBER=DEMO-" not in c["certificateSubject"] or "C=CZ" not in c["certificateSubject"]:
            rep.err(w, "certificateSubject must be a fictional DEMO subject")
        district, problem = resolve_district(by_street, c["address"])
        if problem:
            rep.err(w, problem)
        elif district != c["pollingDistrict"]:
            rep.err(w, f"pollingDistrict {c['pollingDistrict']} but address resolves to {district}")
        overdue = upcoming = 0
        for j, o in enumerate(c["obligations"] if isinstance(c["obligations"], list) else []):
            ow = f"{w}.obligations[{j}]"
            if not check_keys(rep, ow, o, OBLIGATION_KEYS):
                continue
            ow = f"{w}.obligations[{o['id']}]"
            if o["id"] in oids:
                rep.err(ow, "duplicate obligation id")
            oids.add(o["id"])
            if o["kind"] not in KINDS:
                rep.err(ow, f"kind {o['kind']!r}")
            for k in ("title", "period"):
                nonempty_str(rep, f"{ow}.{k}", o[k])
            note = o["note"] if isinstance(o["note"], str) else ""
            if note in test_marks:
                test_marks[note] += 1
            if not AMOUNT.match(str(o["amountCzk"])):
                rep.err(ow, f"amountCzk {o['amountCzk']!r} is not a decimal string with 2 places")
            elif float(o["amountCzk"]) <= 0 and note != TEST_NOTE_ZERO:
                rep.err(ow, "amount must be positive")
            elif note == TEST_NOTE_ZERO and float(o["amountCzk"]) != 0:
                rep.err(ow, "zero-amount test obligation lost its zero amount")
            due = parse_date(o["dueDate"])
            if due is None:
                rep.err(ow, f"dueDate {o['dueDate']!r}")
            if not isinstance(o["paid"], bool):
                rep.err(ow, "paid must be a boolean")
            elif o["paid"]:
                pd = parse_date(o["paidAt"])
                if pd is None or pd > TODAY:
                    rep.err(ow, f"paid but paidAt {o['paidAt']!r} is not a past date")
            else:
                if o["paidAt"] is not None:
                    rep.err(ow, "unpaid obligation must have paidAt null")
                if due is not None:
                    overdue += due < TODAY
                    upcoming += due >= TODAY
            iban = str(o["accountIban"])
            if note == TEST_NOTE_IBAN:
                if cz_iban_ok(iban):
                    rep.err(ow, "test IBAN is meant to be invalid but passes the checks")
            elif not cz_iban_ok(iban):
                rep.err(ow, f"IBAN {iban} fails mod-97 or the Czech mod-11 check")
            elif iban not in town_ibans:
                rep.err(ow, f"IBAN {iban} is not one of the town accounts")
            elif o["kind"] in KIND_ACCOUNT and town_ibans[iban] != KIND_ACCOUNT[o["kind"]]:
                rep.err(ow, f"kind {o['kind']} should be paid to the {KIND_ACCOUNT[o['kind']]} account")
            vs = str(o["variableSymbol"])
            if note == TEST_NOTE_VS:
                if re.fullmatch(r"\d{1,10}", vs):
                    rep.err(ow, "test variable symbol is meant to be invalid but is numeric")
            elif not re.fullmatch(r"\d{1,10}", vs):
                rep.err(ow, f"variableSymbol {vs!r} must be 1-10 digits")
            if not re.fullmatch(r"\d{0,10}", str(o["specificSymbol"])):
                rep.err(ow, "specificSymbol must be up to 10 digits")
            if not re.fullmatch(r"(\d{4})?", str(o["constantSymbol"])):
                rep.err(ow, "constantSymbol must be 4 digits or empty")
        for j, s in enumerate(c["submissions"] if isinstance(c["submissions"], list) else []):
            sw = f"{w}.submissions[{j}]"
            if not check_keys(rep, sw, s, SUBMISSION_KEYS):
                continue
            if s["id"] in sids:
                rep.err(sw, "duplicate submission id")
            sids.add(s["id"])
            if s["state"] not in STATES:
                rep.err(sw, f"state {s['state']!r}")
            for k in ("title", "stateText"):
                nonempty_str(rep, f"{sw}.{k}", s[k])
            a, b = parse_ts(s["submittedAt"]), parse_ts(s["lastActivityAt"])
            if a is None or b is None:
                rep.err(sw, "timestamps must be ISO 8601 with seconds and UTC offset")
                continue
            if b < a or b.date() > TODAY:
                rep.err(sw, "lastActivityAt must be >= submittedAt and not in the future")
            for k, t in (("submittedAt", a), ("lastActivityAt", b)):
                off = prague_offset(t)
                if off is not None and off != t.utcoffset():
                    rep.err(sw, f"{k} offset {t.utcoffset()} is not Europe/Prague's {off} on that date")
        for j, n in enumerate(c["notices"] if isinstance(c["notices"], list) else []):
            nw = f"{w}.notices[{j}]"
            if check_keys(rep, nw, n, NOTICE_KEYS):
                nonempty_str(rep, f"{nw}.title", n["title"])
                nonempty_str(rep, f"{nw}.text", n["text"])
                if parse_date(n["date"]) is None:
                    rep.err(nw, "date must be an ISO date")
        wd = c["watchdog"]
        flags = ["newObligation", "dueDateApproaching", "submissionChanged", "election"]
        if check_keys(rep, f"{w}.watchdog", wd, flags + ["channels"]):
            if not all(isinstance(wd[f], bool) for f in flags):
                rep.err(f"{w}.watchdog", "flags must be booleans")
            ch = wd["channels"]
            if check_keys(rep, f"{w}.watchdog.channels", ch, ["email", "sms"]):
                if ch["email"] and not EMAIL.match(ch["email"]):
                    rep.err(f"{w}.watchdog", "bad e-mail")
                if ch["email"] and not ch["email"].endswith("@example.cz"):
                    rep.err(f"{w}.watchdog", "demo e-mail must use the example.cz domain")
                if ch["sms"] and not PHONE.match(ch["sms"]):
                    rep.err(f"{w}.watchdog", "bad sms number")
        rep.note(f"citizen {c['id']}: {len(c['obligations'])} obligations "
                 f"({overdue} overdue, {upcoming} upcoming unpaid), {len(c['submissions'])} submissions")
        if c["id"] == "demo-podnikatel" and len(c["obligations"]) != 500:
            rep.err(w, f"demo-podnikatel must have 500 obligations, has {len(c['obligations'])}")
    if "demo-podnikatel" not in cids:
        rep.err("citizens.json", "demo-podnikatel is missing")
    for mark, count in test_marks.items():
        if count != 1:
            rep.err("citizens.json", f"expected exactly one obligation with note {mark!r}, found {count}")


def check_town_accounts(rep):
    for key, (domestic, iban) in TOWN_ACCOUNTS.items():
        m = re.fullmatch(r"(\d+)-(\d+)/(\d{4})", domestic)
        if not (m and cz_mod11_ok(m.group(1), m.group(2)) and iban_mod97_ok(iban)
                and iban_from_domestic(domestic) == iban and cz_iban_ok(iban)):
            rep.err("TOWN_ACCOUNTS", f"{key} account {domestic} / {iban} is inconsistent or invalid")


# ----------------------------------------------------------------------------- generator

def generate_podnikatel_obligations():
    """Deterministically build the 500 obligations of demo-podnikatel (fictional data)."""
    rng = random.Random(20261127)
    waste_iban, fees_iban, fines_iban = (TOWN_ACCOUNTS[k][1] for k in ("waste", "fees", "fines"))
    months = "leden únor březen duben květen červen červenec srpen září říjen listopad prosinec".split()
    waste_rate = {2020: 498, 2021: 498, 2022: 720, 2023: 720, 2024: 720, 2025: 900, 2026: 900}
    out = []

    def add(kind, title, period, amount, due, iban, vs, note=""):
        out.append({"kind": kind, "title": title, "period": period, "amountCzk": f"{amount:.2f}",
                    "dueDate": due, "iban": iban, "vs": vs, "note": note})

    def month_end(y, m):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    for y in range(2020, 2027):
        add("waste", f"Poplatek za komunální odpad {y}", str(y), waste_rate[y], dt.date(y, 10, 31),
            waste_iban, "1100040031")
        add("dog", f"Poplatek ze psů {y} – pes Bart", str(y), 800, dt.date(y, 6, 30), fees_iban, "1200040031")
    ym = [(y, m) for y in range(2020, 2027) for m in range(1, 13)]
    for y, m in ym[:83]:  # 2020-01 .. 2026-11
        nights = rng.randint(40, 420)
        rate = 15 if y < 2022 else 25
        nxt_y, nxt_m = (y + 1, 1) if m == 12 else (y, m + 1)
        add("other", f"Poplatek z pobytu – {months[m - 1]} {y} (Penzion U Svobodů, {nights} nocí)",
            f"{y}-{m:02d}", nights * rate, dt.date(nxt_y, nxt_m, 15), fees_iban, f"14{y}{m:02d}31")
        add("other", f"Smluvní odvoz odpadu z provozovny – {months[m - 1]} {y}", f"{y}-{m:02d}",
            rng.choice([450, 450, 600, 600, 750]), month_end(y, m) + dt.timedelta(days=15),
            waste_iban, f"15{y}{m:02d}31")
    for y, m in ym[1:84]:  # 2020-02 .. 2026-12
        add("other", f"Nájemné – prodejní stánek v tržnici, {months[m - 1]} {y}", f"{y}-{m:02d}",
            1958.33, dt.date(y, m, 15), fees_iban, f"16{y}{m:02d}31")
    for y in range(2020, 2027):
        for m in range(4, 11):  # duben – říjen
            area = rng.choice([12, 16, 20, 24])
            add("other", f"Užívání veřejného prostranství – předzahrádka {area} m², {months[m - 1]} {y}",
                f"{y}-{m:02d}", area * 10 * month_end(y, m).day, dt.date(y, m, 5), fees_iban, f"17{y}{m:02d}31")
        for m in range(5, 11):  # květen – říjen, 4 trhy měsíčně
            for k in range(4):
                day = dt.date(y, m, 1 + 7 * k)
                add("other", f"Tržní místo – farmářský trh, Kostelní náměstí, {day.day}. {m}. {y}",
                    day.isoformat(), 150, day + dt.timedelta(days=14), fees_iban, f"18{y}{m:02d}{k + 1}1")
    offences = [("parkování bez platného parkovacího lístku", 500), ("stání na chodníku", 1000),
                ("zásobování mimo povolenou dobu", 1500), ("stání na vyhrazeném místě", 1000),
                ("neoprávněné užívání veřejného prostranství", 2000)]
    start = dt.date(2020, 3, 1)
    for k in range(20):
        issued = start + dt.timedelta(days=int(k * (2460 / 19)))
        if k == 19:
            issued = dt.date(2026, 11, 24)
        what, amount = rng.choice(offences)
        add("fine", f"Pokuta městské policie – {what} ({issued.day}. {issued.month}. {issued.year})",
            issued.isoformat(), amount, issued + dt.timedelta(days=15), fines_iban, f"13{40031 + k:08d}")
    assert len(out) == 500, len(out)

    out.sort(key=lambda o: (o["dueDate"], o["title"]))
    result = []
    for i, o in enumerate(out, 1):
        due = o["dueDate"]
        paid, paid_at, note = False, None, o["note"]
        if due < TODAY:
            roll = rng.random()
            if roll < 0.90:
                paid, paid_at = True, due - dt.timedelta(days=rng.randint(0, 10))
            elif roll < 0.96:
                paid, paid_at = True, due + dt.timedelta(days=rng.randint(1, 40))
                note = "Uhrazeno po splatnosti."
            elif o["kind"] == "fine":
                note = "Po splatnosti – pokuta bude vymáhána."
            elif o["title"].startswith(("Poplatek", "Užívání veřejného prostranství")):
                note = "Po splatnosti – nezaplacený poplatek může správce navýšit až na trojnásobek."
            else:
                note = "Po splatnosti – uhraďte prosím co nejdříve."
            if paid_at is not None and paid_at > TODAY - dt.timedelta(days=1):
                paid_at = TODAY - dt.timedelta(days=1)
        result.append({
            "id": f"o-pod-{i:04d}", "kind": o["kind"], "title": o["title"], "period": o["period"],
            "amountCzk": o["amountCzk"], "dueDate": due.isoformat(), "paid": paid,
            "paidAt": paid_at.isoformat() if paid_at else None, "accountIban": o["iban"],
            "variableSymbol": o["vs"], "specificSymbol": "", "constantSymbol": "0558", "note": note,
        })
    return result


# ----------------------------------------------------------------------------- main

def load(rep, path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        rep.err(path.name, f"cannot load: {exc}")
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed-dir", default=str(Path(__file__).resolve().parent.parent / "assets" / "seed"))
    ap.add_argument("--regen-podnikatel", action="store_true",
                    help="rewrite demo-podnikatel's 500 obligations in citizens.json before validating")
    args = ap.parse_args()
    seed = Path(args.seed_dir)

    if args.regen_podnikatel:
        path = seed / "citizens.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        for c in data["citizens"]:
            if c["id"] == "demo-podnikatel":
                c["obligations"] = generate_podnikatel_obligations()
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"rewrote demo-podnikatel obligations in {path}")

    rep = Report()
    check_town_accounts(rep)
    contacts = load(rep, seed / "contacts.json")
    dept_ids, phones = check_contacts(rep, contacts) if contacts is not None else ({}, set())
    services = load(rep, seed / "services.json")
    if services is not None:
        check_services(rep, services, dept_ids, phones)
    elections = load(rep, seed / "elections.json")
    by_street = check_elections(rep, elections) if elections is not None else {}
    citizens = load(rep, seed / "citizens.json")
    if citizens is not None:
        check_citizens(rep, citizens, by_street)

    for n in rep.notes:
        print("ok  ", n)
    for key, (domestic, iban) in TOWN_ACCOUNTS.items():
        print(f"ok   town account {key}: {domestic} = {iban}")
    if rep.errors:
        for e in rep.errors:
            print("FAIL", e, file=sys.stderr)
        print(f"{len(rep.errors)} problem(s) found", file=sys.stderr)
        return 1
    print("seed data OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
