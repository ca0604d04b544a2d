#!/usr/bin/env python3
"""Renders a terminal program's screen to a PNG, for the README's screenshots.

Runs the command in a detached tmux session of the given size, sends the given keys, captures
the pane with its colours (tmux capture-pane -e) and paints it cell by cell with a CJK
monospace font, wide characters taking two cells.

    python3 tests/tools/screenshot.py OUT.png COLS ROWS 'COMMAND' [KEYS…]

Needs tmux, Pillow (pip install pillow) and fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei).
"""
import re, subprocess, sys, time, unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
# Symbols the CJK font lacks (check marks, some box and block glyphs): DejaVu has them.
SYMBOLS = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
PALETTE = ["#1e1e1e", "#e05561", "#8cc265", "#d18f52", "#4aa5f0", "#c162de", "#42b3c2", "#d7dae0",
           "#5c6370", "#ff616e", "#a5e075", "#f0a45d", "#4dc4ff", "#de73ff", "#4cd1e0", "#ffffff"]
FG, BG = PALETTE[7], "#1b1d23"


def wide(c):
    return unicodedata.east_asian_width(c) in "WF"


def parse(text):
    """Cells of each line: (char, fg, bg, bold), from text with SGR escape sequences."""
    lines = []
    fg, bg, bold, rev = FG, BG, False, False
    for raw in text.split("\n"):
        cells = []
        for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", raw):
            if m.group(2) is not None:
                f, b = (bg, fg) if rev else (fg, bg)
                cells.append((m.group(2), f, b, bold))
                if wide(m.group(2)):
                    cells.append(("", f, b, bold))
                continue
            codes = [int(c) if c else 0 for c in m.group(1).split(";")]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    fg, bg, bold, rev = FG, BG, False, False
                elif c == 1:
                    bold = True
                elif c == 7:
                    rev = True
                elif c == 22:
                    bold = False
                elif c == 27:
                    rev = False
                elif 30 <= c <= 37:
                    fg = PALETTE[c - 30]
                elif 90 <= c <= 97:
                    fg = PALETTE[c - 90 + 8]
                elif c == 39:
                    fg = FG
                elif 40 <= c <= 47:
                    bg = PALETTE[c - 40]
                elif 100 <= c <= 107:
                    bg = PALETTE[c - 100 + 8]
                elif c == 49:
                    bg = BG
                elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                    n = codes[i + 2]
                    col = PALETTE[n] if n < 16 else "#808080"
                    fg, bg = (col, bg) if c == 38 else (fg, col)
                    i += 2
                i += 1
        lines.append(cells)
    return lines


def main():
    out, cols, rows, command, *keys = sys.argv[1:]
    cols, rows = int(cols), int(rows)
    session = "shot"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(cols), "-y", str(rows), command + "; sleep 30"], check=True)
    time.sleep(1.5)
    for k in keys:
        subprocess.run(["tmux", "send-keys", "-t", session, *k.split(" ")], check=True)
        time.sleep(0.4)
    text = subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", session], capture_output=True, text=True, check=True).stdout
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    size = 16
    font = ImageFont.truetype(FONT, size, index=1)
    try:
        symbols = ImageFont.truetype(SYMBOLS, size - 2)
    except OSError:
        symbols = font
    cw, ch = size // 2, size + 4
    img = Image.new("RGB", (cols * cw + 16, rows * ch + 16), BG)
    draw = ImageDraw.Draw(img)
    for y, cells in enumerate(parse(text)[:rows]):
        for x, (c, fg, bg, bold) in enumerate(cells[:cols]):
            if c == "":
                continue  # the right half of a wide character, painted with it
            px, py = 8 + x * cw, 8 + y * ch
            w = 2 * cw if c and wide(c) else cw
            if bg != BG:
                draw.rectangle([px, py, px + w - 1, py + ch - 1], fill=bg)
            if c and c != " ":
                f = symbols if 0x2190 <= ord(c) <= 0x27BF and not wide(c) else font
                draw.text((px, py + 2), c, font=f, fill=fg)
                if bold:
                    draw.text((px + 1, py + 2), c, font=f, fill=fg)
    img.save(out)
    print(out)


if __name__ == "__main__":
    main()
