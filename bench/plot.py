"""Draws latency distributions as an SVG: one panel per load, one curve per system, the share of
events slower than x (a complementary CDF) on log-log axes, so that the median and the tail
both show. Plain SVG, no plotting package."""
import math

COLORS = {"handoff": "#d62728", "libuv": "#1f77b4", "floor": "#2ca02c"}
W, H = 460, 330         # one panel
ML, MR, MT, MB = 62, 16, 34, 46


def _ticks(lo, hi):
    t, v = [], 10 ** math.floor(math.log10(lo))
    while v <= hi * 1.0001:
        if v >= lo / 1.0001:
            t.append(v)
        v *= 10
    return t


def _fmt(v, share=False):
    return f"{v:.0e}".replace("e-0", "e-") if share and v < 1 else f"{v:g}"


def _panel(title, series, x0):
    allv = [v for s in series.values() for v in s]
    lo = 10 ** math.floor(math.log10(max(min(allv), 0.1)))
    hi = 10 ** math.ceil(math.log10(max(allv)))
    n = max(len(s) for s in series.values())
    ylo = 10 ** math.floor(math.log10(1.0 / n))
    pw, ph = W - ML - MR, H - MT - MB

    def X(v):
        return x0 + ML + pw * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    def Y(p):
        return MT + ph * (0 - math.log10(max(p, ylo))) / (0 - math.log10(ylo))

    out = [f'<text x="{x0 + ML + pw / 2}" y="20" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<rect x="{x0 + ML}" y="{MT}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>']
    for t in _ticks(lo, hi):
        out.append(f'<line x1="{X(t):.1f}" y1="{MT}" x2="{X(t):.1f}" y2="{MT + ph}" stroke="#ddd"/>')
        out.append(f'<text x="{X(t):.1f}" y="{MT + ph + 16}" text-anchor="middle">{_fmt(t)}</text>')
    for t in _ticks(ylo, 1.0):
        out.append(f'<line x1="{x0 + ML}" y1="{Y(t):.1f}" x2="{x0 + ML + pw}" y2="{Y(t):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 + ML - 6}" y="{Y(t) + 4:.1f}" text-anchor="end">{_fmt(t, True)}</text>')
    out.append(f'<text x="{x0 + ML + pw / 2}" y="{H - 8}" text-anchor="middle">latency (µs)</text>')
    out.append(f'<text transform="translate({x0 + 14},{MT + ph / 2}) rotate(-90)" '
               f'text-anchor="middle">share of events slower</text>')
    for i, (name, vals) in enumerate(series.items()):
        v = sorted(vals)
        m = len(v)
        pts, last = [], None
        for k in range(m):  # one point per pixel column is enough
            x, y = X(v[k]), Y((m - k) / m)
            if last is None or abs(x - last[0]) >= 0.5 or abs(y - last[1]) >= 0.5:
                pts.append(f"{x:.1f},{y:.1f}")
                last = (x, y)
        color = COLORS.get(name, "#555")
        out.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{color}" stroke-width="1.6"/>')
        ly = MT + 16 + 16 * i
        out.append(f'<line x1="{x0 + ML + pw - 96}" y1="{ly - 4}" x2="{x0 + ML + pw - 76}" y2="{ly - 4}" '
                   f'stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{x0 + ML + pw - 70}" y="{ly}">{name}</text>')
    return out


def latency_svg(path, panels):
    """panels: [(title, {system: [latency us, ...]})] drawn side by side into path."""
    body = []
    for i, (title, series) in enumerate(panels):
        body += _panel(f"interrupt → task latency, {title}", series, i * W)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(panels)}" height="{H}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="white"/>'] + body + ["</svg>"]
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")
