#!/usr/bin/env python3
"""Render a terminal capture with ANSI colours (`tmux capture-pane -e -p`) as an SVG image.

Used by scripts/screenshot.sh to make the README's picture of the real dashboard. Standard
library only, so it runs anywhere Python 3 does.
"""
import html
import re
import sys
import unicodedata

CELL_W, CELL_H, FONT = 8.4, 17, 14
PALETTE = [
    "#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6",
    "#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea",
]
DEFAULT_FG, DEFAULT_BG = "#c5c8c6", "#1d1f21"
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESC = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07]*\x07|[()][A-Za-z0-9])")


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    g = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (g, g, g)


class Style:
    def __init__(self):
        self.fg, self.bg, self.bold, self.reverse = None, None, False, False

    def copy(self):
        s = Style()
        s.fg, s.bg, s.bold, s.reverse = self.fg, self.bg, self.bold, self.reverse
        return s

    def apply(self, params):
        codes = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", params or "0")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.__init__()
            elif c == 1:
                self.bold = True
            elif c == 22:
                self.bold = False
            elif c == 7:
                self.reverse = True
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif c == 39:
                self.fg = None
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    colour = xterm256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    colour = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    colour = None
                if c == 38:
                    self.fg = colour
                else:
                    self.bg = colour
                i += 1
            i += 1


def width(ch):
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def render(lines, cols):
    rows = []
    for line in lines:
        style, cells, pos = Style(), [], 0
        for m in re.finditer(r"\x1b\[[0-9;:]*m|\x1b[^\x1b]*?[A-Za-z\x07]|.", line, re.S):
            tok = m.group(0)
            sgr = SGR.fullmatch(tok)
            if sgr:
                style.apply(sgr.group(1))
            elif OTHER_ESC.fullmatch(tok) or tok.startswith("\x1b"):
                continue
            else:
                cells.append((pos, tok, style.copy()))
                pos += width(tok)
        rows.append(cells)
    out = []
    h = len(rows) * CELL_H + 16
    w = cols * CELL_W + 16
    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h}" '
               f'viewBox="0 0 {w:.0f} {h}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
               f'font-size="{FONT}">')
    out.append(f'<rect width="100%" height="100%" fill="{DEFAULT_BG}" rx="6"/>')
    for y, cells in enumerate(rows):
        top = 8 + y * CELL_H
        for x, ch, st in cells:
            fg, bg = st.fg or DEFAULT_FG, st.bg
            if st.reverse:
                fg, bg = (st.bg or DEFAULT_BG), (st.fg or DEFAULT_FG)
            left = 8 + x * CELL_W
            if bg:
                out.append(f'<rect x="{left:.1f}" y="{top}" width="{CELL_W * width(ch):.1f}" '
                           f'height="{CELL_H}" fill="{bg}"/>')
            if ch.strip():
                weight = ' font-weight="bold"' if st.bold else ""
                out.append(f'<text x="{left:.1f}" y="{top + CELL_H - 4}" fill="{fg}"{weight}>'
                           f'{html.escape(ch)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def main():
    cols = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    lines = sys.stdin.read().split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    sys.stdout.write(render(lines, cols) + "\n")


if __name__ == "__main__":
    main()
