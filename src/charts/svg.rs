//! The drawing surface shared by every chart: a thin layer over plotters'
//! SVG backend (pixel coordinates, integer output), plus the finishing pass
//! that makes the document accessible, responsive and small.

use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text as PText};
use plotters::prelude::{DrawingArea, IntoDrawingArea, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, ShapeStyle};

use super::Text;

/// Font stack written once on the `<svg>` element; the browser draws the
/// glyphs, so Japanese labels work without any font file at build time.
pub(crate) const FONT: &str = "Hiragino Sans, Noto Sans CJK JP, Yu Gothic, sans-serif";

/// Width of every chart's viewBox; heights vary per chart.
pub(crate) const WIDTH: f64 = 720.0;

/// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies).
pub(crate) mod palette {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);

    /// Series colours in order (Okabe–Ito yellow, #F0E442, is left out: too
    /// light for lines and small marks on white).
    pub const SERIES: [RGBColor; 7] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK];

    pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
    pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
    pub const FAINT: RGBColor = RGBColor(0x88, 0x88, 0x88);
    pub const AXIS: RGBColor = RGBColor(0x99, 0x99, 0x99);
    pub const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
    pub const TRACK: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);
    pub const WHITE: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);

    /// `c` mixed with white: `amount` 0 is white, 1 is `c`.
    pub fn tint(c: RGBColor, amount: f64) -> RGBColor {
        let mix = |v: u8| (255.0 - (255.0 - v as f64) * amount).round().clamp(0.0, 255.0) as u8;
        RGBColor(mix(c.0), mix(c.1), mix(c.2))
    }

    /// Relative luminance (0 black .. 1 white), to pick a readable text colour.
    pub fn luminance(c: RGBColor) -> f64 {
        let lin = |v: u8| {
            let s = v as f64 / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
    }

    /// A point of a sequential scale from light to dark (0..=1), colour-blind safe
    /// (a viridis-like ramp without its pale yellow end).
    pub fn ramp(t: f64) -> RGBColor {
        const STOPS: [(f64, (f64, f64, f64)); 5] = [
            (0.00, (0x9F as f64, 0xDA as f64, 0x3A as f64)),
            (0.25, (0x4A as f64, 0xC1 as f64, 0x6D as f64)),
            (0.50, (0x1F as f64, 0xA1 as f64, 0x87 as f64)),
            (0.75, (0x27 as f64, 0x7F as f64, 0x8E as f64)),
            (1.00, (0x3B as f64, 0x52 as f64, 0x8B as f64)),
        ];
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        for w in STOPS.windows(2) {
            let ((t0, a), (t1, b)) = (w[0], w[1]);
            if t <= t1 {
                let f = (t - t0) / (t1 - t0);
                let m = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
                return RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2));
            }
        }
        RGBColor(0x3B, 0x52, 0x8B)
    }

    /// Sequential blues for heatmap cells, 0 light .. 1 dark (ColorBrewer
    /// "Blues": one hue, so it reads the same with any colour vision).
    pub fn blues(t: f64) -> RGBColor {
        const STOPS: [(u8, u8, u8); 8] = [
            (0xEF, 0xF5, 0xFB),
            (0xDE, 0xEB, 0xF7),
            (0xC6, 0xDB, 0xEF),
            (0x9E, 0xCA, 0xE1),
            (0x6B, 0xAE, 0xD6),
            (0x42, 0x92, 0xC6),
            (0x21, 0x71, 0xB5),
            (0x08, 0x45, 0x94),
        ];
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        let f = t * (STOPS.len() - 1) as f64;
        let i = (f.floor() as usize).min(STOPS.len() - 2);
        let (a, b, w) = (STOPS[i], STOPS[i + 1], f - i as f64);
        let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * w).round() as u8;
        RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
    }
}

/// How a piece of text is set.
#[derive(Clone, Copy)]
pub(crate) struct Font {
    pub size: f64,
    pub color: RGBColor,
    pub bold: bool,
    pub h: HPos,
    pub v: VPos,
}

impl Font {
    pub fn new(size: f64, color: RGBColor) -> Font {
        Font {
            size,
            color,
            bold: false,
            h: HPos::Left,
            v: VPos::Center,
        }
    }
    pub fn bold(mut self) -> Font {
        self.bold = true;
        self
    }
    pub fn left(mut self) -> Font {
        self.h = HPos::Left;
        self
    }
    pub fn center(mut self) -> Font {
        self.h = HPos::Center;
        self
    }
    pub fn right(mut self) -> Font {
        self.h = HPos::Right;
        self
    }
    pub fn top(mut self) -> Font {
        self.v = VPos::Top;
        self
    }
    pub fn bottom(mut self) -> Font {
        self.v = VPos::Bottom;
        self
    }
}

/// Estimated width of `s` set at `size` px. East Asian wide characters count
/// one em, other characters about half (plotters' own estimate counts bytes,
/// which makes CJK text look three times too wide).
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| char_em(c) * size).sum()
}

/// Estimated width of `s` in ems.
fn char_em(c: char) -> f64 {
    if is_wide(c) {
        1.0
    } else if "iljtfI.,:;|!'·".contains(c) || c == ' ' {
        0.3
    } else if c.is_ascii_uppercase() || "MWmw%@".contains(c) {
        0.68
    } else if c.is_ascii_digit() {
        0.57
    } else {
        0.55
    }
}

/// East Asian wide/fullwidth characters (enough of them for labels).
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Caller text made safe for one SVG text line: control characters (which
/// XML forbids or which would break a line) become spaces.
pub(crate) fn clean(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    s.trim().to_string()
}

/// `s` cut with an ellipsis so that it fits `max_w` px at `size`.
pub(crate) fn fit(s: &str, size: f64, max_w: f64) -> String {
    if text_width(s, size) <= max_w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = text_width("…", size);
    for c in s.chars() {
        w += char_em(c) * size;
        if w > max_w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// XML escaping for text and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn px(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(-100_000.0, 100_000.0) as i32
    } else {
        0
    }
}

/// A drawing surface in pixel coordinates (origin top left).
pub(crate) struct Canvas<'a> {
    area: DrawingArea<SVGBackend<'a>, Shift>,
    /// Raw SVG drawn above everything plotters drew (dashed lines: plotters
    /// has no dash array and would write every dash as its own element).
    overlay: String,
}

impl Canvas<'_> {
    /// A filled rectangle between two corners.
    pub fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, fill: RGBColor) {
        let (a, b) = ((px(x0.min(x1)), px(y0.min(y1))), (px(x0.max(x1)), px(y0.max(y1))));
        if a.0 == b.0 || a.1 == b.1 {
            return;
        }
        let _ = self.area.draw(&Rectangle::new([a, b], fill.filled()));
    }

    /// A solid polyline.
    pub fn line(&mut self, points: &[(f64, f64)], color: RGBColor, width: u32) {
        if points.len() < 2 {
            return;
        }
        let pts: Vec<(i32, i32)> = points.iter().map(|(x, y)| (px(*x), px(*y))).collect();
        let _ = self
            .area
            .draw(&PathElement::new(pts, ShapeStyle::from(color).stroke_width(width)));
    }

    /// A filled polygon.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: RGBColor) {
        if points.len() < 3 {
            return;
        }
        let pts: Vec<(i32, i32)> = points.iter().map(|(x, y)| (px(*x), px(*y))).collect();
        let _ = self.area.draw(&Polygon::new(pts, fill.filled()));
    }

    /// A filled dot, optionally with a white ring so it stands out on lines.
    pub fn dot(&mut self, x: f64, y: f64, r: u32, fill: RGBColor, ring: bool) {
        if ring {
            let _ = self
                .area
                .draw(&Circle::new((px(x), px(y)), r + 1, palette::WHITE.filled()));
        }
        let _ = self.area.draw(&Circle::new((px(x), px(y)), r, fill.filled()));
    }

    /// A dashed straight line (`dash` is an SVG dash array such as "6 4").
    pub fn dashed(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), color: RGBColor, width: u32, dash: &str) {
        self.overlay.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\" stroke-dasharray=\"{}\"/>\n",
            px(x0),
            px(y0),
            px(x1),
            px(y1),
            hex(color),
            width,
            escape(dash)
        ));
    }

    /// One line of text; `s` is cleaned of control characters.
    pub fn text(&mut self, s: &str, x: f64, y: f64, f: Font) {
        let s = clean(s);
        if s.is_empty() {
            return;
        }
        let style = if f.bold { FontStyle::Bold } else { FontStyle::Normal };
        // plotters writes `size / 1.24` as the font size; the finishing pass rounds it.
        let font = FontDesc::new(FontFamily::Name(FONT), f.size * 1.24, style);
        let ts = font.color(&f.color).pos(Pos::new(f.h, f.v));
        let _ = self.area.draw(&PText::new(s, (px(x), px(y)), ts));
    }
}

/// Draws a `width` × `height` chart with `draw` and returns the finished SVG.
pub(crate) fn render(t: &Text, width: f64, height: f64, draw: impl FnOnce(&mut Canvas<'_>)) -> String {
    let (w, h) = (px(width).max(1) as u32, px(height).max(1) as u32);
    let mut buf = String::new();
    let overlay;
    {
        let area = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let mut canvas = Canvas {
            area,
            overlay: String::new(),
        };
        draw(&mut canvas);
        let _ = canvas.area.present();
        overlay = std::mem::take(&mut canvas.overlay);
    }
    finish(t, w, h, &buf, &overlay)
}

/// FNV-1a, 32 bits, of each part followed by a NUL: a stable hash for
/// element ids (no randomness).
fn fnv1a(parts: &[&str]) -> u32 {
    let mut hasher = crate::hash::Fnv1a32::new();
    for part in parts {
        hasher.write(part.as_bytes());
        hasher.write(&[0]);
    }
    hasher.finish()
}

/// Rewrites plotters' output: an accessible, responsive `<svg>` root with
/// `<title>` and `<desc>`, the font family once on the root, no default
/// attributes, rounded font sizes, one line per element, and runs of alike
/// elements sharing their common attributes through a `<g>`.
fn finish(t: &Text, w: u32, h: u32, raw: &str, overlay: &str) -> String {
    let mut elements: Vec<String> = Vec::new();
    let mut lines = raw.lines().skip(1); // skip plotters' <svg ...>
    let family = format!(" font-family=\"{}\"", escape(FONT));
    while let Some(line) = lines.next() {
        if line == "</svg>" || line.is_empty() {
            continue;
        }
        let mut el = line
            .replace(" opacity=\"1\"", "")
            .replace(" stroke=\"none\"", "")
            .replace(&family, "");
        el = round_font_size(&el);
        if el.starts_with("<polyline ") || el.starts_with("<polygon ") {
            el = el.replace(" \"/>", "\"/>");
        }
        if el.starts_with("<text ") {
            // plotters writes <text ...>\ncontent\n</text>; join them.
            let content = lines.next().unwrap_or("");
            let close = lines.next().unwrap_or("</text>");
            el = format!("{}{content}{close}", el.replace(" text-anchor=\"start\"", ""));
        }
        elements.push(el);
    }
    elements.extend(overlay.lines().map(str::to_string));
    let body = group_alike(&elements);
    let title = clean(&t.title);
    let desc = clean(&t.desc);
    let id = format!("cb-{:08x}", fnv1a(&[&title, &desc, &body]));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-family=\"{font}\" class=\"casebook-chart\">\n\
         <title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n{body}</svg>\n",
        font = escape(FONT),
        title = escape(&title),
        desc = escape(&desc),
    )
}

/// An element line split up: tag, attributes (values still escaped) and the
/// rest (`/>` or `>content</text>`).
struct Element<'a> {
    tag: &'a str,
    attrs: Vec<(&'a str, &'a str)>,
    rest: &'a str,
}

fn parse_element(line: &str) -> Option<Element<'_>> {
    let inner = line.strip_prefix('<')?;
    let tag_end = inner.find([' ', '/', '>'])?;
    let tag = &inner[..tag_end];
    let mut s = &inner[tag_end..];
    let mut attrs = Vec::new();
    while let Some(rest) = s.strip_prefix(' ') {
        let eq = rest.find("=\"")?;
        let key = &rest[..eq];
        let after = &rest[eq + 2..];
        let close = after.find('"')?;
        attrs.push((key, &after[..close]));
        s = &after[close + 1..];
    }
    Some(Element { tag, attrs, rest: s })
}

/// Inherited presentation attributes worth sharing, per element.
fn hoistable(tag: &str) -> &'static [&'static str] {
    match tag {
        "text" => &["text-anchor", "font-size", "font-weight", "fill"],
        "rect" | "polygon" => &["fill"],
        "line" | "polyline" => &["fill", "stroke", "stroke-width", "stroke-dasharray"],
        "circle" => &["fill", "stroke-width"],
        _ => &[],
    }
}

fn shared<'a>(e: &Element<'a>) -> Vec<(&'a str, &'a str)> {
    let keys = hoistable(e.tag);
    e.attrs.iter().filter(|(k, _)| keys.contains(k)).copied().collect()
}

fn group_alike(elements: &[String]) -> String {
    let parsed: Vec<Option<Element<'_>>> = elements.iter().map(|e| parse_element(e)).collect();
    let mut out = String::new();
    let mut i = 0;
    while i < elements.len() {
        let Some(first) = &parsed[i] else {
            out.push_str(&elements[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        let sig = shared(first);
        let mut j = i + 1;
        while j < elements.len()
            && parsed[j]
                .as_ref()
                .is_some_and(|e| e.tag == first.tag && shared(e) == sig)
        {
            j += 1;
        }
        if j - i < 2 || sig.is_empty() {
            out.push_str(&elements[i]);
            out.push('\n');
            i += 1;
            continue;
        }
        out.push_str("<g");
        for (k, v) in &sig {
            out.push_str(&format!(" {k}=\"{v}\""));
        }
        out.push_str(">\n");
        for e in parsed[i..j].iter().flatten() {
            out.push('<');
            out.push_str(e.tag);
            for (k, v) in e.attrs.iter().filter(|a| !sig.contains(a)) {
                out.push_str(&format!(" {k}=\"{v}\""));
            }
            out.push_str(e.rest);
            out.push('\n');
        }
        out.push_str("</g>\n");
        i = j;
    }
    out
}

/// `font-size="11.000000000000002"` -> `font-size="11"`.
fn round_font_size(el: &str) -> String {
    const KEY: &str = " font-size=\"";
    let Some(start) = el.find(KEY) else {
        return el.to_string();
    };
    let from = start + KEY.len();
    let Some(len) = el[from..].find('"') else {
        return el.to_string();
    };
    let value: f64 = el[from..from + len].parse().unwrap_or(12.0);
    let rounded = format!("{:.1}", value);
    let rounded = rounded.trim_end_matches('0').trim_end_matches('.');
    format!("{}{}{}", &el[..from], rounded, &el[from + len..])
}
