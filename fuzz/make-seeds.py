#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets (fuzz/corpus/<target>/)
from the repository's own data: the test PKI, the seed collections, the site
configs, and hand-written answers of the backend shaped like the development
portal's. Deterministic: running it again gives the same files. Regression
inputs of bugs the fuzzers found are committed next to these by hand (names
starting with `regression-`); this script never removes them.

    python3 fuzz/make-seeds.py
"""
import base64
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
PKI = ROOT / "assets" / "test-pki"
SEED = ROOT / "assets" / "seed"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------ apdu

OK = b"\x90\x00"


def chunk(answer):
    assert len(answer) < 0xFF
    return bytes([len(answer)]) + answer


def fcp(size):
    return b"\x62\x04\x80\x02" + size.to_bytes(2, "big")


def file_answers(der, get_response_first=False):
    out = [chunk(fcp(len(der)) + OK)]
    for i, offset in enumerate(range(0, len(der), 0xD0)):
        part = der[offset:offset + 0xD0]
        if get_response_first and i == 0:
            out.append(chunk(bytes([0x61, len(part)])))
        out.append(chunk(part + OK))
    return out


def pin_reread(state=0x01, tries=3):
    return [chunk(OK), chunk(bytes([state]) + OK), chunk(bytes([tries]) + OK),
            chunk(b"\x03" + OK)]


def card(atr_choice, answers):
    return bytes([atr_choice]) + b"".join(answers)


short = (PKI / "demo-jana.short.der").read_bytes()
long_ = (PKI / "demo-jana.auth.der").read_bytes()
number = b"900000001"
read_start = [
    chunk(OK),                              # SELECT card management
    chunk(b"\x6C\x09"),                     # GET DATA 01: wrong Le, resend
    chunk(number + OK),
    chunk(b"\x01" + OK), chunk(b"\x03" + OK), chunk(b"\x03" + OK),  # IOK
    chunk(OK),                              # SELECT identification
]
write("apdu", "jana-whole-card", card(0, read_start + file_answers(short, True)
                                     + file_answers(long_) + pin_reread()))
write("apdu", "jana-variant-atr-long-needs-pin",
      card(1, read_start + file_answers(short) + [chunk(b"\x69\x82")]))
blocked = [chunk(OK), chunk(b"900000002\x00\x00" + OK), chunk(b"\x05" + OK),
           chunk(b"\x00" + OK), chunk(b"\x03" + OK), chunk(OK)]
write("apdu", "blocked-iok-short-only",
      card(0, blocked + file_answers(short[:300]) + [chunk(b"\x69\x82")]
           + pin_reread(0x05, 0)))
write("apdu", "bank-card-atr",
      card(2, [chunk(bytes.fromhex("3b8f8001804f0ca000000306030001000000006a"))]))
write("apdu", "no-card-management-app", card(0, [chunk(b"\x6A\x82")]))
write("apdu", "mute-after-select", card(0, [chunk(OK), b"\xFF"]))

# ------------------------------------------------------------------ webeid

ORIGIN = "https://obcan.litomerice.cz"
NONCE = "T2gJb2jFZ8SEp0MvGxW6kFJ3n1XrA4S9cHq0dB7eVYI="


def der_elements(der):
    """The (offset, length) of the outer SEQUENCE's first element (the TBS)."""
    def header(at):
        length = der[at + 1]
        if length < 0x80:
            return at + 2, length
        n = length & 0x7F
        return at + 2 + n, int.from_bytes(der[at + 2:at + 2 + n], "big")
    body, _ = header(0)
    start, length = header(body)
    return der[body:start + length]


def p521_signature(key_pem, origin, nonce):
    """Jana's ES512 signature over the Web eID digest, made with openssl."""
    import hashlib
    import tempfile
    digest = hashlib.sha512(hashlib.sha512(origin.encode()).digest()
                            + hashlib.sha512(nonce.encode()).digest()).digest()
    with tempfile.NamedTemporaryFile() as f:
        f.write(digest)
        f.flush()
        der = subprocess.run(
            ["openssl", "pkeyutl", "-sign", "-inkey", str(key_pem), "-in", f.name],
            check=True, capture_output=True).stdout
    # DER ECDSA-Sig-Value → raw r‖s, 66 bytes each.
    assert der[0] == 0x30
    at = 2 if der[1] < 0x80 else 3
    out = b""
    for _ in range(2):
        assert der[at] == 0x02
        n = der[at + 1]
        out += int.from_bytes(der[at + 2:at + 2 + n], "big").to_bytes(66, "big")
        at += 2 + n
    return out


def token(cert, signature, **changes):
    t = {
        "format": "web-eid:1.0",
        "unverifiedCertificate": base64.b64encode(cert).decode(),
        "algorithm": "ES512",
        "signature": base64.b64encode(signature).decode(),
        "appVersion": "https://obcan.litomerice.cz/kiosk/0.1.0",
    }
    t.update(changes)
    return compact(t)


jana_signature = p521_signature(PKI / "demo-jana.key.pem", ORIGIN, NONCE)
write("webeid", "token-jana-valid", b"\x00" + token(long_, jana_signature).encode())
write("webeid", "token-expired-certificate",
      b"\x00" + token((PKI / "expired.auth.der").read_bytes(), jana_signature).encode())
write("webeid", "token-wrong-format",
      b"\x00" + token(long_, jana_signature, format="web-eid:2.0").encode())
write("webeid", "certificate-jana", b"\x01" + long_)
write("webeid", "certificate-stranger", b"\x01" + (PKI / "stranger.auth.der").read_bytes())
for name in ["demo-jana.auth", "demo-jana.short", "nosig.auth", "expired.auth"]:
    tbs = der_elements((PKI / f"{name}.der").read_bytes())
    write("webeid", f"tbs-{name.replace('.', '-')}", b"\x02" + tbs)
write("webeid", "issuer-pem", b"\x03" + (PKI / "ca.pem").read_bytes())

# ------------------------------------------------------------------ backend

services = json.loads((SEED / "services.json").read_text())
contacts = json.loads((SEED / "contacts.json").read_text())
elections = json.loads((SEED / "elections.json").read_text())
citizens = json.loads((SEED / "citizens.json").read_text())["citizens"]


def backend(name, selector, value):
    write("backend", name, bytes([selector]) + compact(value).encode())


promo = {"slides": [
    {"id": "s-text", "kind": "text", "title": "Úřední hodiny o svátcích",
     "body": "Ve čtvrtek 24. 12. je úřad zavřen.", "durationSeconds": 8,
     "schedule": {"validFrom": "2026-11-01", "validTo": "2026-12-31",
                  "weekdays": [1, 2, 3, 4, 5], "hoursFrom": "07:30:00",
                  "hoursTo": "17:00:00", "sites": ["lt-radnice-01"]},
     "priority": 1},
    {"id": "s-qr", "kind": "qr", "title": "Portál občana", "body": "Naskenujte",
     "qrUrl": "https://obcan.litomerice.cz/", "durationSeconds": 10},
    {"id": "s-notice", "kind": "notice", "title": "Uzavírka Mírového náměstí",
     "durationSeconds": 12, "urgent": True,
     "schedule": {"hoursFrom": "22:00:00", "hoursTo": "06:00:00"}},
    {"id": "s-image", "kind": "image", "durationSeconds": 6,
     "asset": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
               "size": 48211, "width": 1920, "height": 1080,
               "contentType": "image/jpeg"}},
]}
# The first byte: low four bits the answer, high bits the printer profile.
backend("promo-playlist", 0x00, promo)
backend("services-two", 0x01, {"services": services["services"][:2]})
backend("services-58mm", 0x31, {"services": services["services"][2:3]})
backend("contacts-two", 0x02, {"departments": contacts["departments"][:2]})
backend("contacts-58mm", 0x32, {"departments": contacts["departments"][2:3]})
backend("elections", 0x03, {"elections": elections["elections"][:1],
                            "districts": elections["districts"][:2]})
jana = citizens[0]
obligations = [o for o in jana["obligations"] if not o["paid"]][:2] + jana["obligations"][:1]
backend("me-dashboard", 0x04, {
    "unpaidCount": 2, "unpaidTotalCzk": "1598.00", "overdueCount": 1,
    "nearestDueDate": "2026-03-31", "openSubmissions": 1,
    "notices": [{"title": "Nový poplatek", "text": "Poplatek za psa 2026 je splatný.",
                 "date": "2026-01-15"}],
    "nextElection": {"title": "Volby do zastupitelstva", "date": "2026-10-09",
                     "district": 2, "place": "ZŠ Na Valech", "address": "Na Valech 1",
                     }})
backend("me-obligations", 0x05, {"obligations": obligations})
intent = {
    "id": "pi-7f3a", "state": "pending", "accountIban": "CZ7708000000194260105309",
    "amountCzk": "900.00", "variableSymbol": "1100012011", "specificSymbol": "",
    "constantSymbol": "0558", "message": "POPLATEK ZA KOMUNALNI ODPAD 2026",
    "gatewayUrl": "https://platby.litomerice.cz/pi-7f3a",
    "expiresAt": "2026-11-18T10:45:00Z"}
backend("payment-intent-pending", 0x05 + 1, intent)
backend("payment-intent-paid-58mm", 0x36,
        dict(intent, state="paid", paidOn="2026-11-18", gatewayUrl=None))
backend("me-submissions", 0x07, {"submissions": [{
    "id": "sub-1", "title": "Žádost o rybářský lístek",
    "submittedAt": "2026-10-02T09:15:00+02:00", "state": "in-progress",
    "stateText": "Vyřizuje se", "lastActivityAt": "2026-10-05T13:00:00+02:00"}]})
backend("me-watchdog", 0x08, {"newObligation": True, "dueDateApproaching": True,
                              "submissionChanged": False, "election": True,
                              "channels": {"email": "jana@example.cz", "sms": ""}})
backend("staff-session", 0x09, {"session": "st-4c1d", "expiresAt": "2026-11-18T10:45:00Z",
                                "name": "Přepážka 1"})
backend("staff-lookup", 0x0A, {"obligations": obligations,
                               "payerName": "Jana Nováková"})
backend("auth-challenge", 0x0B, {"nonce": NONCE, "expiresAt": "2026-11-18T10:35:00Z"})
backend("auth-session", 0x0C, {"session": "cs-99aa", "expiresAt": "2026-11-18T10:45:00Z",
                               "citizen": {"displayName": "Jana"}})
backend("event-ack", 0x0D, {"accepted": ["0b6d1a3c-5a2e-4e0c-9c43-3f1e7b2a9d10"]})
backend("problem", 0x0E, {"type": "https://obcan.litomerice.cz/problems/invalid",
                          "title": "Neplatný požadavek", "status": 422,
                          "detail": "obligationIds: prázdný seznam"})

# ------------------------------------------------------------------ escpos

ESC, GS, FS = 0x1B, 0x1D, 0x1C
cp852 = "ÇüéâäůćçłëŐőîŹÄĆÉĹĺôöĽľŚśÖÜŤťŁ×čáíóúĄąŽžĘę¬źČş«»░▒▓│┤ÁÂĚŞ╣║╗╝Żż┐└┴┬├─┼Ăă╚╔╩╦╠═╬¤đĐĎËďŇÍÎě┘┌█▄ŢŮ▀ÓßÔŃńňŠšŔÚŕŰýÝţ´\xad˝˛ˇ˘§÷¸°¨˙űŘř■\xa0"


def cp(text):
    return bytes(ord(c) if ord(c) < 0x80 else 0x80 + cp852.index(c) for c in text)


slip = bytes([ESC, ord("@"), FS, ord("."), ESC, ord("t"), 18, ESC, ord("a"), 1, ESC, ord("E"), 1,
              GS, ord("!"), 0x11]) + cp("Platební údaje") + b"\n" + bytes(
    [ESC, ord("a"), 0, ESC, ord("E"), 0, GS, ord("!"), 0]) + cp("Částka:       900,00 Kč") + b"\n"
qr = b"SPD*1.0*ACC:CZ7708000000194260105309*AM:900.00*CC:CZK*X-VS:1100012011"
native = b"".join([
    bytes([GS, ord("("), ord("k"), 4, 0, 0x31, 0x41, 0x32, 0x00]),
    bytes([GS, ord("("), ord("k"), 3, 0, 0x31, 0x43, 6]),
    bytes([GS, ord("("), ord("k"), 3, 0, 0x31, 0x45, 0x31]),
    bytes([GS, ord("("), ord("k"), len(qr) + 3, 0, 0x31, 0x50, 0x30]) + qr,
    bytes([GS, ord("("), ord("k"), 3, 0, 0x31, 0x51, 0x30]) + b"\n",
])
tail = bytes([ESC, ord("d"), 3, GS, ord("V"), 0x42, 3])
write("escpos", "payment-slip-native-qr", b"\x00" + slip + native + tail)
# A small raster image (GS v 0): 2 bytes × 16 rows, not a readable code.
raster = bytes([GS, ord("v"), ord("0"), 0, 2, 0, 16, 0]) + bytes(range(32)) + b"\n"
write("escpos", "raster-unreadable", b"\x00" + slip + raster + tail)
write("escpos", "status-query-and-cut", b"\x00" + slip + bytes([0x10, 0x04, 1]) + tail)
write("escpos", "printer-ready", b"\x01" + bytes([0x12, 0x12, 0x12]))
write("escpos", "printer-paper-end-usb-packets", b"\x01" + bytes([0x00, 0x1A, 0x12, 0x32, 0x00, 0x72]))
write("escpos", "printer-uri-serial", b"\x01serial:/dev/ttyUSB0?baud=19200")
write("escpos", "printer-uri-usb", b"\x01usb:04b8:0202")

# ------------------------------------------------------------------ payment

write("payment", "jana-waste-fee", "CZ7708000000194260105309\n900.00\n1100012011\n\n0558\n"
      "Poplatek za komunální odpad 2026 – Jana Nováková, Dlouhá 12, Litoměřice")
write("payment", "domestic-account", "19-2000145399/0800\n1 500,5\n0000012345\n123\n0308\nPlatba")
write("payment", "foreign-iban", "DE89370400440532013000\n0.01\n\n\n\n*zpráva*")
write("payment", "bad-checksum", "CZ6601000000194260107208\n-5\n12a\n12345678901\n\n")

# ------------------------------------------------------------------ config

for name in ["default", "nadrazi", "prepazka"]:
    write("config", f"{name}.toml", (ROOT / "kiosk-config" / f"{name}.toml").read_bytes())
write("config", "invalid-values.toml", """[kiosk]
id = "Lt Radnice"
site = ""
mode = "kiosk"

[screen]
rotation = 45

[backend]
url = "http://example.org/kiosk/v1/"
credentials = "/etc/portal-kiosk/credentials.toml"

[printer]
uri = "serial:/dev/ttyS0?baud=1200"
""")
# The hash of the test PIN 123456 (`portal-kiosk staff-pin-hash`).
write("config", "staff-credentials.toml", """token = "kiosk-token"

[[staff]]
name = "Přepážka 1"
pin_hash = "$argon2id$v=19$m=65536,t=3,p=1$HpEP/SDuluNthwVBqgrtdQ$ZPzB6N0fnGJuErC13Kam70ljuijjetnUL5vndZNr4v8"
""")

# ------------------------------------------------------------------ noticeboard

board_text = (SEED / "notice-board.jsonld").read_text()
board = json.loads(board_text)
write("noticeboard", "seed-board.jsonld", board_text)
write("noticeboard", "three-notices", compact(dict(board, informace=board["informace"][:3])))
variations = [dict(n) for n in board["informace"][:6]]
variations[0]["vyvěšení"] = {"datum": "2026-02-30"}
variations[1]["název"] = {"en": "<b>Public</b> notice &amp; more"}
variations[2]["relevantní_do"] = {"nespecifikovaný": True}
variations[3]["dokument"] = {"url": "http://www.example.cz/p%C5%99%C3%ADloha.pdf"}
variations[4]["vyvěšení"] = "2026-11-03+01:00"
variations[5]["iri"] = variations[4]["iri"]
write("noticeboard", "variations", compact({"typ": ["Úřední deska"], "informace": variations}))
write("noticeboard", "not-a-board", compact({"departments": []}))
write("noticeboard", "html-page", "<html><body><p>Úřední&nbsp;deska &bdquo;x&ldquo;</p>"
      "<script>alert(1)</script></body></html>")
write("noticeboard", "source-url", "https://www.litomerice.cz/uredni-deska.jsonld")
