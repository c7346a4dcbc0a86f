#!/usr/bin/env python3
"""Draw the kiosk's demo promotion slides from scratch.

Writes three 1920x1080 images into assets/promo/:

  litomerice-portal.jpg  dusk skyline of Litoměřice on the Elbe + portal headline
  platba-qr.png          phone with a QR code next to a payment slip
  eobcanka.png           eObčanka (ID card) going chip-up into the card reader

Only Pillow is needed (``pip install pillow``).  Nothing is downloaded; all
text uses the Noto Sans fonts bundled in assets/fonts/.  Output is
deterministic: the only pseudo-random parts (lit windows, QR modules) use
fixed seeds.

Shapes are drawn at 2x and scaled down (anti-aliasing); text is drawn at
final size.  Every text line is checked for a contrast ratio of at least
7:1 against the pixels directly behind it, and nothing is placed in the
bottom 120 px (the kiosk overlays its "Dotkněte se obrazovky" hint there).

Usage:  python3 tools/make-promo-images.py [output-dir]
"""

import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT_REGULAR = os.path.join(ROOT, "assets", "fonts", "NotoSans-Regular.ttf")
FONT_BOLD = os.path.join(ROOT, "assets", "fonts", "NotoSans-Bold.ttf")
DEFAULT_OUT = os.path.join(ROOT, "assets", "promo")

W, H = 1920, 1080
SS = 2                      # supersampling factor for the vector shapes
SAFE_BOTTOM = 120           # keep free: kiosk overlays a touch hint there
MIN_CONTRAST = 7.0
MAX_BYTES = 600 * 1024

# Town identity palette
BLUE = "#0A3A7A"
BLUE_DARK = "#062650"
RED = "#C4262E"
BG = "#F5F7FA"
TEXT = "#111827"
SOFT = "#E8EEF7"
WARM = "#FFD27A"
WHITE = "#FFFFFF"


# --------------------------------------------------------------------------
# colour helpers

def rgb(c):
    if isinstance(c, tuple):
        return c[:3]
    c = c.lstrip("#")
    return tuple(int(c[i:i + 2], 16) for i in (0, 2, 4))


def rgba(c, a=255):
    if isinstance(c, tuple) and len(c) == 4:
        return c
    return rgb(c) + (a,)


def mix(a, b, t):
    a, b = rgb(a), rgb(b)
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))


def _lin(v):
    v /= 255.0
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


_LIN = [_lin(v) for v in range(256)]


def luminance(c):
    r, g, b = rgb(c)
    return 0.2126 * _LIN[r] + 0.7152 * _LIN[g] + 0.0722 * _LIN[b]


def contrast(c1, c2):
    l1, l2 = luminance(c1), luminance(c2)
    hi, lo = max(l1, l2), min(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


# --------------------------------------------------------------------------
# drawing canvas (coordinates are always given in final 1920x1080 pixels)

class Canvas:
    def __init__(self, background):
        self.img = Image.new("RGBA", (W * SS, H * SS), rgba(background))
        self.d = ImageDraw.Draw(self.img)

    @staticmethod
    def P(pts):
        return [(x * SS, y * SS) for x, y in pts]

    @staticmethod
    def B(x0, y0, x1, y1):
        return [x0 * SS, y0 * SS, x1 * SS, y1 * SS]

    def poly(self, pts, fill, d=None):
        (d or self.d).polygon(self.P(pts), fill=rgba(fill) if not isinstance(fill, int) else fill)

    def rect(self, x0, y0, x1, y1, fill=None, r=0, outline=None, width=0, d=None, corners=None):
        d = d or self.d
        fill = rgba(fill) if isinstance(fill, (str, tuple)) else fill
        outline = rgba(outline) if isinstance(outline, (str, tuple)) else outline
        if r:
            d.rounded_rectangle(self.B(x0, y0, x1, y1), radius=r * SS, fill=fill,
                                outline=outline, width=round(width * SS), corners=corners)
        else:
            d.rectangle(self.B(x0, y0, x1, y1), fill=fill, outline=outline, width=round(width * SS))

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=0, d=None):
        d = d or self.d
        fill = rgba(fill) if isinstance(fill, (str, tuple)) else fill
        outline = rgba(outline) if isinstance(outline, (str, tuple)) else outline
        d.ellipse(self.B(x0, y0, x1, y1), fill=fill, outline=outline, width=round(width * SS))

    def circle(self, cx, cy, r, **kw):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, **kw)

    def line(self, pts, fill, width, d=None):
        d = d or self.d
        fill = rgba(fill) if isinstance(fill, (str, tuple)) else fill
        d.line(self.P(pts), fill=fill, width=max(1, round(width * SS)), joint="curve")

    def layer(self):
        lay = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        return lay, ImageDraw.Draw(lay)

    def paste_layer(self, lay):
        self.img.alpha_composite(lay)

    def shadow(self, draw_fn, offset=(0, 14), blur=26, color=BLUE_DARK, alpha=60):
        """Soft drop shadow of the shape(s) that draw_fn(draw, fill) draws."""
        mask = Image.new("L", self.img.size, 0)
        draw_fn(ImageDraw.Draw(mask), 255)
        shifted = Image.new("L", self.img.size, 0)
        shifted.paste(mask, (round(offset[0] * SS), round(offset[1] * SS)))
        shifted = shifted.filter(ImageFilter.GaussianBlur(blur * SS))
        shifted = shifted.point(lambda v: v * alpha // 255)
        lay = Image.new("RGBA", self.img.size, rgba(color))
        lay.putalpha(shifted)
        self.img.alpha_composite(lay)

    def glow(self, cx, cy, rx, ry, color, alpha, power=2.0):
        """Soft elliptical radial glow (alpha 0..255 at the centre)."""
        n = 256
        data = []
        for y in range(n):
            for x in range(n):
                dx = (x + 0.5) / n * 2 - 1
                dy = (y + 0.5) / n * 2 - 1
                t = max(0.0, 1.0 - math.hypot(dx, dy))
                data.append(round(alpha * t ** power))
        m = Image.new("L", (n, n))
        m.putdata(data)
        m = m.resize((round(2 * rx * SS), round(2 * ry * SS)), Image.BICUBIC)
        full = Image.new("L", self.img.size, 0)
        full.paste(m, (round((cx - rx) * SS), round((cy - ry) * SS)))
        lay = Image.new("RGBA", self.img.size, rgba(color))
        lay.putalpha(full)
        self.img.alpha_composite(lay)

    def paste_image(self, im, x, y):
        """Alpha-composite an RGBA image (already at SS scale) at final coords."""
        full = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        full.paste(im, (round(x * SS), round(y * SS)))
        self.img.alpha_composite(full)

    def final(self):
        return self.img.resize((W, H), Image.LANCZOS).convert("RGB")


def vgradient(w, h, stops):
    """Vertical gradient; stops = [(y_in_px, colour), ...] sorted by y."""
    col = []
    for y in range(h):
        if y <= stops[0][0]:
            col.append(rgb(stops[0][1]))
            continue
        for (y0, c0), (y1, c1) in zip(stops, stops[1:]):
            if y0 <= y <= y1:
                t = (y - y0) / float(y1 - y0)
                t = t * t * (3 - 2 * t)          # smoothstep: no visible kinks
                col.append(mix(c0, c1, t))
                break
        else:
            col.append(rgb(stops[-1][1]))
    im = Image.new("RGB", (1, h))
    im.putdata(col)
    return im.resize((w, h), Image.NEAREST)


def ridge(x0, x1, base, bumps, step=3):
    """Hill silhouette: base line minus a sum of bumps (centre, height, width, sharpness)."""
    pts = []
    x = x0
    while x <= x1:
        y = base
        for c, h, w, p in bumps:
            y -= h * math.exp(-(abs(x - c) / w) ** p)
        pts.append((x, y))
        x += step
    return pts


def ridge_y(x, base, bumps):
    y = base
    for c, h, w, p in bumps:
        y -= h * math.exp(-(abs(x - c) / w) ** p)
    return y


def perspective_coeffs(dst, src):
    """Coefficients for Image.transform(PERSPECTIVE) mapping quad dst -> quad src."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    n = 8
    a = [rows[i] + [rhs[i]] for i in range(n)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[piv] = a[piv], a[col]
        for r in range(n):
            if r != col:
                f = a[r][col] / a[col][col]
                for k in range(col, n + 1):
                    a[r][k] -= f * a[col][k]
    return [a[i][n] / a[i][i] for i in range(n)]


# --------------------------------------------------------------------------
# text (drawn at final resolution, contrast-checked against what is behind)

_fonts = {}


def font(size, bold=False):
    key = (size, bold)
    if key not in _fonts:
        _fonts[key] = ImageFont.truetype(FONT_BOLD if bold else FONT_REGULAR, size)
    return _fonts[key]


def text_width(s, size, bold=False):
    return font(size, bold).getlength(s)


class TextLayer:
    """Collects text placements, checks contrast and the safe area, then draws."""

    def __init__(self, img, name):
        self.img = img
        self.base = img.copy()           # what is behind the text
        self.draw = ImageDraw.Draw(img)
        self.name = name
        self.report = []

    def text(self, x, baseline, s, size, bold=False, fill=TEXT, anchor="ls"):
        f = font(size, bold)
        box = self.draw.textbbox((x, baseline), s, font=f, anchor=anchor)
        if box[3] > H - SAFE_BOTTOM:
            raise SystemExit("%s: text %r enters the bottom safe area" % (self.name, s))
        pad = 6
        region = self.base.crop((max(0, box[0] - pad), max(0, box[1] - pad),
                                 min(W, box[2] + pad), min(H, box[3] + pad)))
        colours = region.getcolors(maxcolors=region.size[0] * region.size[1])
        worst = min(contrast(fill, c) for _, c in colours)
        self.report.append((s, size, worst))
        if worst < MIN_CONTRAST:
            raise SystemExit("%s: text %r contrast only %.2f:1" % (self.name, s, worst))
        self.draw.text((x, baseline), s, font=f, fill=rgb(fill), anchor=anchor)
        return box


def save(img, path, **kw):
    img.save(path, **kw)
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise SystemExit("%s is %d bytes (limit %d)" % (path, size, MAX_BYTES))
    return size


# --------------------------------------------------------------------------
# 1. Litoměřice skyline at dusk

def draw_windows(cv, x0, x1, y0, y1, cols, rows, rng, lit_ratio, dark, lit, ww=None, wh=None):
    cw = (x1 - x0) / cols
    rh = (y1 - y0) / rows
    ww = ww or cw * 0.42
    wh = wh or rh * 0.55
    for r in range(rows):
        for c in range(cols):
            cx = x0 + cw * (c + 0.5)
            cy = y0 + rh * (r + 0.5)
            on = rng.random() < lit_ratio
            cv.rect(cx - ww / 2, cy - wh / 2, cx + ww / 2, cy + wh / 2, fill=lit if on else dark)


def gable_house(cv, x, w, base, wall_h, roof_h, wall, roof, rng, win_dark, win_lit,
                kind="gable", lit=0.35):
    top = base - wall_h
    if kind == "gable":          # gable end facing the square (typical burgher house)
        cv.poly([(x, top), (x + w, top), (x + w / 2, top - roof_h)], wall)
        # roof edge (barge boards) in red
        cv.line([(x - 3, top + 2), (x + w / 2, top - roof_h - 2), (x + w + 3, top + 2)], roof, 7)
        cv.rect(x + w / 2 - 5, top - roof_h * 0.55, x + w / 2 + 5, top - roof_h * 0.55 + 14,
                fill=win_lit if rng.random() < lit else win_dark)
    elif kind == "volute":       # renaissance/baroque gable with curved shoulders
        cv.poly([(x, top), (x + w, top), (x + w, top - roof_h * 0.25),
                 (x + w * 0.78, top - roof_h * 0.45), (x + w * 0.72, top - roof_h * 0.85),
                 (x + w * 0.5, top - roof_h), (x + w * 0.28, top - roof_h * 0.85),
                 (x + w * 0.22, top - roof_h * 0.45), (x, top - roof_h * 0.25)], wall)
        cv.rect(x + w * 0.42, top - roof_h * 0.7, x + w * 0.58, top - roof_h * 0.45,
                fill=win_lit if rng.random() < lit else win_dark)
    else:                        # eaves facing the square: red roof visible
        cv.poly([(x - 4, top), (x + w + 4, top), (x + w - roof_h * 0.6, top - roof_h),
                 (x + roof_h * 0.6, top - roof_h)], roof)
    cv.rect(x, top, x + w, base, fill=wall)
    rows = max(1, int(wall_h // 34))
    cols = max(2, int(w // 26))
    draw_windows(cv, x + 6, x + w - 6, top + 8, base - 16, cols, rows, rng, lit, win_dark, win_lit)


def draw_skyline():
    """The town scene (no text), returned as a supersampled Canvas."""
    rng = random.Random(1219)      # Litoměřice: town since 1219
    cv = Canvas(BLUE_DARK)

    horizon = 760
    sky = vgradient(W * SS, H * SS, [
        (0, "#051E42"),
        (400 * SS, BLUE),
        (545 * SS, "#33568F"),
        (630 * SS, "#7C76A0"),
        (705 * SS, "#E3A58A"),
        (horizon * SS, WARM),
    ])
    cv.img.paste(sky, (0, 0))
    # low evening sun glow behind the hills (kept well below the text)
    cv.glow(1480, horizon, 620, 300, WARM, 150, power=1.6)
    cv.glow(1480, horizon - 10, 200, 90, "#FFE7B0", 200, power=1.4)

    # a few early stars on the calm top-right, away from the text
    for sx, sy, r in [(1700, 90, 2.2), (1810, 170, 1.6), (1620, 210, 1.4), (1860, 60, 1.8),
                      (1760, 300, 1.3), (1550, 60, 1.5)]:
        cv.circle(sx, sy, r, fill="#DCE6F7")

    # České středohoří: far hazy cones, then a nearer ridge
    far = [(90, 60, 170, 2), (330, 150, 100, 1.35),                    # Lovoš-like cone
           (620, 55, 190, 2), (960, 70, 160, 2), (1170, 120, 110, 1.5),  # Milešovka hint
           (1640, 95, 150, 1.7), (1900, 60, 170, 2)]
    cv.poly(ridge(-10, W + 10, horizon, far) + [(W + 10, H), (-10, H)], "#8A86AE")
    near = [(130, 55, 240, 2), (560, 40, 260, 2), (1060, 60, 200, 2),
            (1420, 45, 200, 2), (1820, 90, 230, 1.8)]
    cv.poly(ridge(-10, W + 10, 800, near) + [(W + 10, H), (-10, H)], "#5A6796")

    # vineyard slope on the right (Radobýl side) with rows of vines
    vine_bumps = [(1730, 190, 300, 1.7)]
    vine_base = 880
    cv.poly(ridge(1180, W + 10, vine_base, vine_bumps) + [(W + 10, H), (1180, H)], "#3F5A6F")
    for i in range(14):
        yb = 700 + i * 12
        pts = []
        for x in range(1240, W + 10, 6):
            top = ridge_y(x, vine_base, vine_bumps)
            y = yb + (x - 1600) * 0.10 + 6 * math.sin(x / 140.0)
            if y > top + 4:
                pts.append((x, y))
            elif pts:
                break
        if len(pts) > 3:
            cv.line(pts, "#56776A", 3.2)

    # ground of the old town and the cathedral hill (Dómský pahorek)
    ground = 852
    hill = [(560, 125, 330, 2.2)]
    cv.poly(ridge(-10, 1200, ground, hill) + [(1200, H), (-10, H)], "#0F2C57")
    cv.rect(-10, ground, W + 10, H, fill="#0F2C57")

    wall = "#173A6B"
    wall2 = "#1D4477"
    roof = "#A8323A"
    win_dark = "#10305C"
    win_lit = WARM

    # --- St. Stephen's cathedral on the hill ------------------------------
    hy = ridge_y(560, ground, hill)           # hill top (~727)
    # nave with roof
    cv.poly([(505, hy - 78), (700, hy - 78), (684, hy - 112), (521, hy - 112)], roof)
    cv.rect(505, hy - 78, 700, hy + 6, fill=wall)
    for i in range(5):
        x = 530 + i * 34
        cv.rect(x, hy - 60, x + 14, hy - 22, fill=win_dark, r=7, corners=(True, True, False, False))
    # dome/lantern on the crossing
    cv.ellipse(640, hy - 138, 680, hy - 104, fill=wall)
    cv.rect(656, hy - 152, 664, hy - 136, fill=wall)
    # west front with pediment
    cv.rect(440, hy - 110, 515, hy + 6, fill=wall2)
    cv.poly([(432, hy - 110), (523, hy - 110), (477.5, hy - 150)], wall2)
    cv.line([(432, hy - 110), (477.5, hy - 150), (523, hy - 110)], roof, 5)
    cv.rect(474, hy - 172, 481, hy - 148, fill=wall2)
    cv.rect(468, hy - 166, 487, hy - 160, fill=wall2)
    cv.rect(464, hy - 60, 491, hy + 6, fill=win_dark, r=13, corners=(True, True, False, False))
    cv.circle(477.5, hy - 88, 9, fill=win_lit)
    # free-standing bell tower with baroque helmet
    tx0, tx1 = 738, 788
    st = hy - 196                              # top of the tower shaft
    cv.rect(tx0, st, tx1, hy + 10, fill=wall2)
    for yy in (st + 70, st + 140):
        cv.rect(tx0 - 3, yy, tx1 + 3, yy + 6, fill=wall)
    cv.rect(756, st + 16, 770, st + 50, fill=win_lit, r=7, corners=(True, True, False, False))
    cv.rect(756, st + 90, 770, st + 120, fill=win_dark, r=7, corners=(True, True, False, False))
    cv.rect(tx0 - 5, st - 6, tx1 + 5, st + 2, fill=wall)
    # helmet: bell-shaped base, bulb, lantern, small bulb, cross
    mx = (tx0 + tx1) / 2
    cv.poly([(tx0 - 2, st - 6), (tx1 + 2, st - 6), (tx1 - 4, st - 26), (mx + 8, st - 40),
             (mx - 8, st - 40), (tx0 + 4, st - 26)], roof)
    cv.ellipse(mx - 17, st - 58, mx + 17, st - 26, fill=roof)
    cv.rect(mx - 6, st - 76, mx + 6, st - 54, fill=wall2)
    cv.ellipse(mx - 9, st - 88, mx + 9, st - 70, fill=roof)
    cv.poly([(mx - 2.5, st - 84), (mx + 2.5, st - 84), (mx, st - 112)], roof)
    cv.rect(mx - 1.5, st - 122, mx + 1.5, st - 104, fill=WARM)
    cv.rect(mx - 6, st - 116, mx + 6, st - 113, fill=WARM)
    # bishop's residence and canons' houses on the hill slope
    gable_house(cv, 300, 110, ridge_y(355, ground, hill) + 8, 52, 30, wall, roof, rng,
                win_dark, win_lit, kind="eaves", lit=0.3)
    gable_house(cv, 810, 90, ridge_y(855, ground, hill) + 8, 48, 28, wall2, roof, rng,
                win_dark, win_lit, kind="eaves", lit=0.3)

    # --- Mírové náměstí: burgher houses, Kalich house, town hall ---------
    base = ground + 4
    houses = [  # x, w, wall_h, roof_h, kind, colour
        (900, 58, 78, 44, "gable", wall),
        (958, 52, 70, 40, "volute", wall2),
    ]
    for x, w, wh, rh, kind, c in houses:
        gable_house(cv, x, w, base, wh, rh, c, roof, rng, win_dark, win_lit, kind)

    # Dům U Kalicha: steep roof with the chalice-shaped turret
    kx, kw = 1012, 120
    ktop = base - 96
    cv.poly([(kx - 6, ktop), (kx + kw + 6, ktop), (kx + kw / 2 + 12, ktop - 70),
             (kx + kw / 2 - 12, ktop - 70)], roof)
    cv.rect(kx, ktop, kx + kw, base, fill=wall2)
    draw_windows(cv, kx + 8, kx + kw - 8, ktop + 8, base - 20, 4, 2, rng, 0.5, win_dark, win_lit)
    cx = kx + kw / 2
    cup_bottom = ktop - 70
    # foot, stem, knot, cup (the turret)
    cv.poly([(cx - 20, cup_bottom), (cx + 20, cup_bottom), (cx + 6, cup_bottom - 10),
             (cx - 6, cup_bottom - 10)], wall2)
    cv.rect(cx - 4.5, cup_bottom - 34, cx + 4.5, cup_bottom - 8, fill=wall2)
    cv.ellipse(cx - 9, cup_bottom - 30, cx + 9, cup_bottom - 20, fill=wall2)
    cup = [(cx - 30, cup_bottom - 92), (cx + 30, cup_bottom - 92)] + \
          [(cx + 30 * math.cos(math.pi * i / 18), cup_bottom - 92 + 58 * math.sin(math.pi * i / 18))
           for i in range(0, 19)]
    cv.poly(cup, wall2)
    cv.rect(cx - 33, cup_bottom - 96, cx + 33, cup_bottom - 89, fill=roof, r=3)
    cv.ellipse(cx - 8, cup_bottom - 82, cx + 8, cup_bottom - 66, fill=win_lit)

    houses = [
        (1138, 56, 84, 44, "volute", wall),
        (1194, 50, 74, 40, "gable", wall2),
    ]
    for x, w, wh, rh, kind, c in houses:
        gable_house(cv, x, w, base, wh, rh, c, roof, rng, win_dark, win_lit, kind)

    # Old town hall with arcade and its tower
    rx0, rx1 = 1244, 1400
    rtop = base - 92
    cv.poly([(rx0 - 6, rtop), (rx1 + 6, rtop), (rx1 - 30, rtop - 40), (rx0 + 30, rtop - 40)], roof)
    cv.rect(rx0, rtop, rx1, base, fill=wall)
    draw_windows(cv, rx0 + 8, rx1 - 8, rtop + 10, base - 44, 6, 1, rng, 0.6, win_dark, win_lit)
    for i in range(5):
        ax = rx0 + 14 + i * 28
        cv.rect(ax, base - 34, ax + 18, base, fill="#0B2347", r=9, corners=(True, True, False, False))
    # tower
    t0, t1 = 1300, 1346
    tcx = (t0 + t1) / 2
    ttop = base - 280
    cv.rect(t0, ttop, t1, base - 92, fill=wall2)
    cv.rect(t0 - 5, ttop - 8, t1 + 5, ttop, fill=wall)
    cv.circle(tcx, ttop + 40, 13, fill=WARM)
    cv.line([(tcx, ttop + 40), (tcx, ttop + 31)], BLUE_DARK, 2.4)
    cv.line([(tcx, ttop + 40), (tcx + 7, ttop + 42)], BLUE_DARK, 2.4)
    cv.rect(tcx - 6, ttop + 76, tcx + 6, ttop + 104, fill=win_dark, r=6, corners=(True, True, False, False))
    cv.rect(tcx - 6, ttop + 124, tcx + 6, ttop + 150, fill=win_lit, r=6, corners=(True, True, False, False))
    # gothic spire with four corner pinnacles
    cv.poly([(t0 - 4, ttop - 8), (t1 + 4, ttop - 8), (tcx, ttop - 140)], roof)
    for px in (t0 - 3, t1 + 3):
        cv.poly([(px - 5, ttop - 8), (px + 5, ttop - 8), (px, ttop - 44)], roof)
    cv.rect(tcx - 1.5, ttop - 160, tcx + 1.5, ttop - 136, fill=WARM)
    cv.circle(tcx, ttop - 162, 3.5, fill=WARM)

    houses = [
        (1400, 54, 80, 42, "gable", wall2),
        (1454, 60, 70, 36, "eaves", wall),
        (1514, 50, 76, 40, "volute", wall2),
        (1564, 64, 62, 34, "eaves", wall),
        (1628, 52, 70, 38, "gable", wall2),
    ]
    for x, w, wh, rh, kind, c in houses:
        gable_house(cv, x, w, base, wh, rh, c, roof, rng, win_dark, win_lit, kind)

    # trees on the river bank
    for tx, tr in [(40, 34), (110, 42), (190, 30), (860, 26), (1690, 32), (1760, 40),
                   (1840, 34), (1900, 38)]:
        cv.ellipse(tx - tr, base - 2 * tr + 6, tx + tr, base + 10, fill="#0C2850")

    # embankment with a row of warm street lamps
    cv.rect(-10, ground + 2, W + 10, 878, fill="#0B2246")
    for lx in range(60, W, 120):
        cv.rect(lx - 1.5, 842, lx + 1.5, 868, fill="#0B2246")
        cv.circle(lx, 841, 3.6, fill=WARM)

    # the Elbe (Labe)
    river = vgradient(W * SS, (H - 878) * SS, [(0, "#34568C"), (90 * SS, "#1E4279"),
                                                  ((H - 878) * SS, "#0B2B5C")])
    cv.img.paste(river, (0, 878 * SS))
    # reflections: warm sun path and lamp streaks, long calm ripples
    lay, ld = cv.layer()
    for i in range(13):
        y = 889 + i * 12 + (i * i) * 0.35
        half = (170 - i * 10) * rng.uniform(0.55, 1.0)
        cx = 1480 + rng.uniform(-22, 22)
        a = 150 - i * 9
        if i % 3 == 1:        # broken ripple
            gap = rng.uniform(10, 30)
            cv.line([(cx - half, y), (cx - gap, y)], rgba(WARM, a), 3.0, d=ld)
            cv.line([(cx + gap * 0.6, y), (cx + half * 0.8, y)], rgba(WARM, a), 3.0, d=ld)
        else:
            cv.line([(cx - half, y), (cx + half, y)], rgba(WARM, a), 3.0, d=ld)
    for lx in range(60, W, 120):
        for j in range(3):
            y = 892 + j * 13
            half = 9 - j * 2 + (lx // 120) % 3
            cv.line([(lx - half, y), (lx + half, y)], rgba(WARM, 90 - j * 25), 2.2, d=ld)
    for i, (x0, x1, y) in enumerate([(80, 520, 930), (620, 1040, 962), (260, 700, 1000),
                                      (980, 1300, 1010), (1600, 1880, 950), (1700, 1900, 1030),
                                      (140, 420, 1050)]):
        cv.line([(x0, y), (x1, y)], rgba("#9FB4D8", 60), 2.2, d=ld)
    cv.paste_layer(lay)
    return cv


def skyline(out_dir):
    cv = draw_skyline()
    img = cv.final()
    t = TextLayer(img, "litomerice-portal")
    x = 120
    # small red identity bar
    ImageDraw.Draw(img).rectangle([x, 92, x + 96, 100], fill=rgb(RED))
    t.base = img.copy()
    t.text(x, 222, "Portál občana Litoměřice", 112, bold=True, fill=WHITE)
    t.text(x, 310, "Úřad v kapse – 24 hodin denně, 7 dní v týdnu", 52, fill=WHITE)
    t.text(x, 398, "obcan.litomerice.cz", 52, bold=True, fill=WARM)
    path = os.path.join(out_dir, "litomerice-portal.jpg")
    size = save(img, path, quality=88, optimize=True, progressive=True, subsampling=0)
    return path, size, t.report


# --------------------------------------------------------------------------
# shared layout for the two illustration slides

def left_column(img, name, headline_lines, sub_lines):
    t = TextLayer(img, name)
    x = 120
    d = ImageDraw.Draw(img)
    # brand tag: red square + portal name
    d.rounded_rectangle([x, 206, x + 30, 236], radius=6, fill=rgb(RED))
    t.base = img.copy()
    t.text(x + 48, 234, "Portál občana Litoměřice", 40, bold=True, fill=BLUE)
    y = 412
    for line in headline_lines:
        t.text(x, y, line, 104, bold=True, fill=BLUE_DARK)
        y += 122
    y += 8
    d.rectangle([x, y - 60, x + 96, y - 52], fill=rgb(RED))
    t.base = img.copy()
    y += 40
    for line in sub_lines:
        t.text(x, y, line, 52, fill=TEXT)
        y += 72
    return t


# --------------------------------------------------------------------------
# 2. QR payment

def qr_matrix(n=25, seed=2024):
    """Decorative QR-like module grid: finder, timing and alignment patterns are
    placed as in a real version-2 code, the data area is seeded noise."""
    rng = random.Random(seed)
    m = [[None] * n for _ in range(n)]

    def finder(r0, c0):
        for r in range(-1, 8):
            for c in range(-1, 8):
                rr, cc = r0 + r, c0 + c
                if 0 <= rr < n and 0 <= cc < n:
                    inside = 0 <= r <= 6 and 0 <= c <= 6
                    ring = inside and (r in (0, 6) or c in (0, 6))
                    core = 2 <= r <= 4 and 2 <= c <= 4
                    m[rr][cc] = 1 if (ring or core) else 0

    finder(0, 0)
    finder(0, n - 7)
    finder(n - 7, 0)
    for i in range(8, n - 8):
        m[6][i] = m[i][6] = 1 if i % 2 == 0 else 0
    ar = n - 7
    for r in range(-2, 3):
        for c in range(-2, 3):
            m[ar + r][ar + c] = 1 if max(abs(r), abs(c)) != 1 else 0
    m[n - 8][8] = 1
    for r in range(n):
        for c in range(n):
            if m[r][c] is None:
                m[r][c] = 1 if rng.random() < 0.47 else 0
    return m


def draw_qr(cv, x, y, module, fg, n=25, seed=2024, d=None):
    m = qr_matrix(n, seed)
    for r in range(n):
        for c in range(n):
            if m[r][c]:
                cv.rect(x + c * module, y + r * module, x + (c + 1) * module + 0.01,
                        y + (r + 1) * module + 0.01, fill=fg, d=d)


def payment_slip_image():
    """Paper payment slip, drawn at SS scale on its own RGBA image."""
    sw, sh = 300, 440
    im = Image.new("RGBA", (sw * SS, sh * SS), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    s = SS
    d.rounded_rectangle([0, 0, sw * s - 1, sh * s - 1], radius=14 * s, fill=rgba(WHITE))
    d.rounded_rectangle([0, 0, sw * s - 1, 74 * s], radius=14 * s, fill=rgba(RED),
                        corners=(True, True, False, False))
    f = ImageFont.truetype(FONT_BOLD, 30 * s)
    d.text((274 * s, 48 * s), "Poplatek", font=f, fill=rgba(WHITE), anchor="rs")
    # placeholder text rows (the left edge is partly hidden by the phone)
    grey = rgba("#CBD5E1")
    for i, wdt in enumerate([230, 170, 248, 140]):
        y = 100 + i * 32
        d.rounded_rectangle([26 * s, y * s, (26 + wdt) * s, (y + 14) * s], radius=7 * s, fill=grey)
    # amount box: "____ Kč"
    d.rounded_rectangle([26 * s, 236 * s, 274 * s, 290 * s], radius=10 * s, fill=rgba(SOFT))
    d.rounded_rectangle([96 * s, 257 * s, 214 * s, 271 * s], radius=7 * s, fill=rgba("#B8C6DA"))
    d.text((258 * s, 276 * s), "Kč", font=f, fill=rgba(BLUE_DARK), anchor="rs")
    # perforation / tear line
    for x in range(18, sw - 18, 18):
        d.rounded_rectangle([x * s, 310 * s, (x + 9) * s, 313 * s], radius=1 * s, fill=grey)
    # small QR on the slip (the one the phone scans)
    mod = 4.2
    qx, qy = sw - 24 - 25 * mod, 326

    class _C:   # tiny adapter so draw_qr can draw on this image
        @staticmethod
        def rect(x0, y0, x1, y1, fill=None, d=None):
            d.rectangle([x0 * s, y0 * s, x1 * s, y1 * s], fill=rgba(fill))
    draw_qr(_C, qx, qy, mod, TEXT, d=d)
    for i, wdt in enumerate([120, 90, 130]):
        y = 336 + i * 30
        d.rounded_rectangle([26 * s, y * s, (26 + wdt) * s, (y + 12) * s], radius=6 * s, fill=grey)
    return im


def platba(out_dir):
    cv = Canvas(BG)
    # calm accent shapes
    cv.circle(1480, 480, 410, fill=SOFT)

    # payment slip, slightly rotated, to the right behind the phone
    slip = payment_slip_image().rotate(-7, resample=Image.BICUBIC, expand=True)
    sx, sy = 1470, 230

    def slip_shape(d, fill):
        m = slip.getchannel("A")
        d.bitmap((round(sx * SS), round(sy * SS)), m, fill=fill)
    cv.shadow(slip_shape, offset=(0, 14), blur=22, alpha=55)
    cv.paste_image(slip, sx, sy)

    # the phone
    px0, py0, px1, py1 = 1180, 130, 1540, 870
    cv.shadow(lambda d, f: d.rounded_rectangle(cv.B(px0, py0, px1, py1), radius=62 * SS, fill=f),
              offset=(0, 22), blur=30, alpha=70)
    cv.rect(px0, py0, px1, py1, fill=BLUE_DARK, r=62)
    cv.rect(px0 + 16, py0 + 16, px1 - 16, py1 - 16, fill=WHITE, r=48)
    # app header
    cv.rect(px0 + 16, py0 + 16, px1 - 16, py0 + 130, fill=BLUE, r=48, corners=(True, True, False, False))
    cv.rect(px0 + 150, py0 + 30, px1 - 150, py0 + 44, fill=BLUE_DARK, r=7)   # speaker/camera
    # QR code on the screen with scanner corner brackets
    mod = 10
    qn = 25
    qs = qn * mod
    qx = (px0 + px1) / 2 - qs / 2
    qy = py0 + 200
    draw_qr(cv, qx, qy, mod, TEXT)
    g = 22
    L = 52
    for (cx, cy, dx, dy) in [(qx - g, qy - g, 1, 1), (qx + qs + g, qy - g, -1, 1),
                             (qx - g, qy + qs + g, 1, -1), (qx + qs + g, qy + qs + g, -1, -1)]:
        cv.line([(cx + dx * L, cy), (cx, cy), (cx, cy + dy * L)], RED, 8)
    # placeholder rows + pay button
    cv.rect(px0 + 60, py0 + 520, px1 - 60, py0 + 536, fill="#D5DEEA", r=8)
    cv.rect(px0 + 100, py0 + 556, px1 - 100, py0 + 572, fill="#D5DEEA", r=8)
    cv.rect(px0 + 50, py0 + 612, px1 - 50, py0 + 684, fill=BLUE, r=36)
    # check badge: paid
    bx, by = px1 - 6, py1 - 120
    cv.shadow(lambda d, f: d.ellipse(cv.B(bx - 58, by - 58, bx + 58, by + 58), fill=f),
              offset=(0, 10), blur=16, alpha=60)
    cv.circle(bx, by, 58, fill=WHITE)
    cv.circle(bx, by, 48, fill=BLUE)
    cv.line([(bx - 22, by + 1), (bx - 6, by + 18), (bx + 24, by - 16)], WHITE, 11)

    img = cv.final()
    # text on the phone button (drawn at final size; checked for contrast too)
    t_btn = TextLayer(img, "platba-qr")
    t_btn.text((px0 + px1) / 2, py0 + 660, "Zaplatit", 34, bold=True, fill=WHITE, anchor="ms")
    t_btn.text((px0 + px1) / 2, py0 + 88, "Platba QR", 34, bold=True, fill=WHITE, anchor="ms")
    t = left_column(img, "platba-qr", ["Poplatky zaplatíte", "QR kódem"],
                    ["Za odpad, za psa i pokuty –", "přímo v mobilní bance"])
    path = os.path.join(out_dir, "platba-qr.png")
    size = save(img, path, optimize=True)
    return path, size, t_btn.report + t.report


# --------------------------------------------------------------------------
# 3. eObčanka into the card reader

def id_card_back(scale):
    """Back side of a Czech eObčanka (where the contact chip is), stylised.
    Landscape ID-1 card, 856x540 units * scale."""
    cw, ch = 856, 540
    s = scale
    im = Image.new("RGBA", (cw * s, ch * s), (0, 0, 0, 0))
    base = Image.new("RGBA", im.size, (0, 0, 0, 0))
    # soft diagonal pastel background, like the real card
    grad = Image.new("RGB", (cw, 1))
    grad.putdata([mix("#E6F0F8", "#F6E6EE", x / (cw - 1)) for x in range(cw)])
    grad = grad.resize(im.size, Image.BILINEAR)
    mask = Image.new("L", im.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, cw * s - 1, ch * s - 1], radius=34 * s, fill=255)
    base.paste(grad, (0, 0), mask)
    d = ImageDraw.Draw(base)
    # guilloche waves
    lay = Image.new("RGBA", im.size, (0, 0, 0, 0))
    ld = ImageDraw.Draw(lay)
    for k in range(9):
        pts = [(x * s, (150 + k * 34 + 22 * math.sin(x / 70.0 + k * 0.7)) * s) for x in range(0, cw + 8, 8)]
        ld.line(pts, fill=rgba("#AFC3DD", 110), width=2 * s)
    lay.putalpha(Image.composite(lay.getchannel("A"), Image.new("L", im.size, 0), mask))
    base.alpha_composite(lay)
    # contact chip (left, ISO 7816 position)
    x0, y0, x1, y1 = 96, 180, 226, 290
    chip = Image.new("RGB", ((x1 - x0) * s, (y1 - y0) * s))
    chip.putdata([mix("#F3D77E", "#C99A2E", (x + y) / float(chip.size[0] + chip.size[1]))
                  for y in range(chip.size[1]) for x in range(chip.size[0])])
    cm = Image.new("L", chip.size, 0)
    ImageDraw.Draw(cm).rounded_rectangle([0, 0, chip.size[0] - 1, chip.size[1] - 1], radius=18 * s, fill=255)
    base.paste(chip, (x0 * s, y0 * s), cm)
    cl = rgba("#8A6A1C")
    my = (y0 + y1) / 2
    d.rounded_rectangle([x0 * s, y0 * s, x1 * s, y1 * s], radius=18 * s, outline=cl, width=3 * s)
    d.line([(x0 * s, my * s), (x0 * s + 38 * s, my * s)], fill=cl, width=3 * s)
    d.line([(x1 * s - 38 * s, my * s), (x1 * s, my * s)], fill=cl, width=3 * s)
    d.line([(x0 * s, (y0 + 36) * s), (x0 * s + 38 * s, (y0 + 36) * s)], fill=cl, width=3 * s)
    d.line([(x0 * s, (y1 - 36) * s), (x0 * s + 38 * s, (y1 - 36) * s)], fill=cl, width=3 * s)
    d.line([(x1 * s - 38 * s, (y0 + 36) * s), (x1 * s, (y0 + 36) * s)], fill=cl, width=3 * s)
    d.line([(x1 * s - 38 * s, (y1 - 36) * s), (x1 * s, (y1 - 36) * s)], fill=cl, width=3 * s)
    d.rounded_rectangle([(x0 + 38) * s, (y0 + 20) * s, (x1 - 38) * s, (y1 - 20) * s],
                        radius=10 * s, outline=cl, width=3 * s)
    # data rows (placeholders)
    for i, wdt in enumerate([300, 420, 360, 250]):
        y = 70 + i * 56
        d.rounded_rectangle([300 * s, y * s, (300 + wdt) * s, (y + 20) * s], radius=10 * s,
                            fill=rgba("#8C9BB3"))
    # machine readable zone
    mrz = ["IDCZE000000000<<<<<<<<<<<<<<<",
           "0000000X0000000CZE<<<<<<<<<<<",
           "OBCAN<<LITOMERICE<<<<<<<<<<<<<"]
    fm = ImageFont.truetype(FONT_BOLD, 34 * s)
    for i, row in enumerate(mrz):
        for j, chx in enumerate(row):
            d.text(((52 + j * 25.5) * s, (400 + i * 44) * s), chx, font=fm,
                   fill=rgba("#3A4A63"), anchor="ms")
    im.alpha_composite(base)
    return im


def eobcanka(out_dir):
    cv = Canvas(BG)
    cv.circle(1480, 480, 420, fill=SOFT)

    # kiosk front panel
    kx0, ky0, kx1, ky1 = 1180, 70, 1780, 940
    cv.shadow(lambda d, f: d.rounded_rectangle(cv.B(kx0, ky0, kx1, ky1), radius=40 * SS, fill=f),
              offset=(0, 18), blur=28, alpha=60)
    cv.rect(kx0, ky0, kx1, ky1, fill="#D9E2EE", r=40)
    cv.rect(kx0 + 6, ky0 + 6, kx1 - 6, ky1 - 6, outline="#C6D2E2", width=3, r=36)
    # the screen (bottom part of it) with a hint of the portal UI
    sx0, sy0, sx1, sy1 = kx0 + 40, ky0 + 40, kx1 - 40, ky0 + 360
    cv.rect(sx0, sy0, sx1, sy1, fill=BLUE_DARK, r=20)
    cv.rect(sx0 + 14, sy0 + 14, sx1 - 14, sy1 - 14, fill=BLUE, r=12)
    cv.rect(sx0 + 40, sy0 + 50, sx0 + 260, sy0 + 70, fill="#E8EEF7", r=10)
    cv.rect(sx0 + 40, sy0 + 90, sx0 + 380, sy0 + 104, fill="#6F8DBB", r=7)
    for i in range(3):
        bx = sx0 + 40 + i * 162
        cv.rect(bx, sy0 + 140, bx + 140, sy0 + 260, fill="#1B4D92", r=14)
        cv.rect(bx + 20, sy0 + 164, bx + 64, sy0 + 208, fill=WARM if i == 0 else "#6F8DBB", r=8)
        cv.rect(bx + 20, sy0 + 226, bx + 110, sy0 + 238, fill="#9FB4D8", r=6)

    # card reader below the screen
    rx0, rx1 = 1330, 1630
    ry0, ry1 = 470, 560
    cv.rect(rx0, ry0, rx1, ry1, fill="#1F2A3D", r=20)
    cv.rect(rx0 + 10, ry0 + 10, rx1 - 10, ry1 - 10, fill="#2B3850", r=14)
    slot_y = 522
    cv.rect(rx0 + 26, slot_y - 10, rx1 - 26, slot_y + 10, fill="#05080F", r=10)
    # green-ish ready light would break the palette; use warm light strip above slot
    cv.rect(rx0 + 110, ry0 + 22, rx1 - 110, ry0 + 28, fill=WARM, r=3)

    # the card: back side up (chip up), chip end going into the slot
    card = id_card_back(SS).rotate(-90, expand=True)      # chip edge now on top
    cw_, ch_ = card.size
    top_w, bot_w = 236, 312
    top_y, bot_y = slot_y + 2, 874
    mxc = (rx0 + rx1) / 2
    quad = [(mxc - top_w / 2, top_y), (mxc + top_w / 2, top_y),
            (mxc + bot_w / 2, bot_y), (mxc - bot_w / 2, bot_y)]
    # shadow of the card on the panel
    cv.shadow(lambda d, f: d.polygon(cv.P(quad), fill=f), offset=(0, 20), blur=16, alpha=70)
    # card edge thickness at the near end
    cv.poly([(quad[3][0] + 6, bot_y - 4), (quad[2][0] - 6, bot_y - 4),
             (quad[2][0] - 8, bot_y + 6), (quad[3][0] + 8, bot_y + 6)], "#B9C3D3")
    coeffs = perspective_coeffs([(x * SS, y * SS) for x, y in quad],
                                [(0, 0), (cw_, 0), (cw_, ch_), (0, ch_)])
    warped = card.transform(cv.img.size, Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC,
                            fillcolor=(0, 0, 0, 0))
    cv.img.alpha_composite(warped)
    # red ring around the chip, so "chip up" is easy to spot
    fwd = perspective_coeffs([(0, 0), (cw_, 0), (cw_, ch_), (0, ch_)],
                             [(x * SS, y * SS) for x, y in quad])
    u, v = (540 - 235) * SS, 161 * SS          # chip centre on the rotated card image
    den = fwd[6] * u + fwd[7] * v + 1
    chx = (fwd[0] * u + fwd[1] * v + fwd[2]) / den / SS
    chy = (fwd[3] * u + fwd[4] * v + fwd[5]) / den / SS
    cv.ellipse(chx - 52, chy - 44, chx + 52, chy + 44, outline=RED, width=6)
    # lip of the slot over the card's leading edge
    cv.rect(rx0 + 26, slot_y - 10, rx1 - 26, slot_y + 1, fill="#05080F", r=5)

    # direction arrow (into the slot)
    ax = 1700
    cv.shadow(lambda d, f: d.polygon(cv.P([(ax - 16, 840), (ax + 16, 840), (ax + 16, 660),
                                           (ax + 44, 660), (ax, 600), (ax - 44, 660),
                                           (ax - 16, 660)]), fill=f),
              offset=(0, 8), blur=10, alpha=50)
    cv.poly([(ax - 16, 840), (ax + 16, 840), (ax + 16, 660), (ax + 44, 660), (ax, 600),
             (ax - 44, 660), (ax - 16, 660)], RED)

    img = cv.final()
    t = left_column(img, "eobcanka", ["Přihlaste se", "občankou"],
                    ["Vložte eObčanku čipem nahoru", "do čtečky pod obrazovkou"])
    path = os.path.join(out_dir, "eobcanka.png")
    size = save(img, path, optimize=True)
    return path, size, t.report


# --------------------------------------------------------------------------

def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out_dir, exist_ok=True)
    for fn in (skyline, platba, eobcanka):
        path, size, report = fn(out_dir)
        print("%-40s %7.1f KB" % (os.path.relpath(path, ROOT) if path.startswith(ROOT) else path,
                                  size / 1024.0))
        for s, px, c in report:
            print("    %3d px  contrast %5.2f:1  %s" % (px, c, s))


if __name__ == "__main__":
    main()
