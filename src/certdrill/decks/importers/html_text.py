"""Turn the HTML of Anki fields into clean plain text: lists, line breaks and code kept."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from certdrill.core.text import clean_text

_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "header",
    "footer", "table", "tr", "ul", "ol", "dl", "dt", "dd", "figure", "hr", "details", "summary",
}
_SKIPPED = {"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg", "math"}
_MEDIA = {"img": "image", "audio": "audio", "video": "video", "source": "media", "embed": "media"}
# Tags html.parser treats as plain markup (no CDATA/RCDATA content), so the quick tokenizer below
# sees exactly the tags and text it would; anything else goes through html.parser itself.
_PLAIN_TAGS = _BLOCKS | _MEDIA.keys() | {
    "br", "li", "pre", "code", "b", "i", "u", "s", "em", "strong", "span", "font", "sub", "sup", "small",
    "big", "mark", "strike", "del", "ins", "a", "abbr", "cite", "q", "kbd", "samp", "var", "tt", "td", "th",
    "thead", "tbody", "tfoot", "caption", "center", "label", "wbr", "nobr", "figcaption", "main", "nav", "aside",
}
_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_LOOKS_LIKE_HTML = re.compile(
    r"</?(?:br|div|p|b|i|u|em|strong|span|img|ul|ol|li|code|pre|sub|sup|font|table)\b[^>]*>"
    r"|&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)
# A strict subset of what html.parser accepts as one tag: ASCII names, attributes separated by
# whitespace, quoted values without < or >, bare values ending at whitespace or >.
_WS = "[ \t\n\r\f]"
_ATTR = (
    rf"{_WS}+(?P<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)"
    rf"(?:{_WS}*={_WS}*(?P<value>\"[^\"<>]*\"|'[^'<>]*'|[^ \t\n\r\f\"'=<>`/]+(?={_WS}|>|$)))?"
)
_ANY_ATTRS = rf"(?:{_ATTR.replace('?P<name>', '?:').replace('?P<value>', '?:')})*"
_ATTRS = re.compile(_ATTR)
_TAG = re.compile(
    rf"<(?:(?P<open>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>{_ANY_ATTRS}){_WS}*(?P<slash>/?)|/(?P<close>[a-zA-Z][a-zA-Z0-9]*){_WS}*)>"
)
# Formatting tags that add nothing to the text (html.parser events for them change nothing above).
_INERT_TAGS = ("b", "i", "u", "s", "em", "strong", "span", "font", "sub", "sup", "small", "big", "mark", "a")
# Those tags and line breaks (a line break's tag after its "<" captured), e.g. "<b>Front</b><br>back".
# ASCII: with IGNORECASE alone, "s" would also match "ſ", which html.parser reads as text. The
# pattern opens with its literal "<", so a search skips to each "<" instead of trying every
# alternative at every character (a third of the time of splitting a field).
_SIMPLE = re.compile(
    rf"<(?:(br{_ANY_ATTRS}{_WS}*/?>)|(?:{'|'.join(_INERT_TAGS)}){_ANY_ATTRS}{_WS}*/?>|/(?:br|{'|'.join(_INERT_TAGS)}){_WS}*>)",
    re.IGNORECASE | re.ASCII,
)


def looks_like_html(text: str, start: int = 0) -> bool:
    """Whether a plain-text export (from `start`) seems to carry HTML (when its header does not say)."""
    return bool(_LOOKS_LIKE_HTML.search(text, start))


class _TextSink:
    """Collects the text of a fragment from parser events (html.parser's handler names).

    Lists come out as Markdown that renders evenly: a blank line around a top-level list, one item
    a line, and whatever an item holds on later lines (a <br>, a <div> or <p> inside it) indented
    under the item's text, so it stays in the item instead of running into the next one.
    """

    def __init__(self) -> None:
        self.out: list[str] = []
        self.skip = 0  # depth inside script/style/...
        self.pre = 0
        self.lists: list[list[int]] = []  # per open list: [counter (< 0 for bullets), its items' text indent, base]
        self.items = 0  # open <li> elements
        self.after_marker = False  # a list marker was just written: no line break before its text
        self.indent = ""  # to write before the next text: an item's continuation line

    def _emit(self, text: str) -> None:
        if self.indent:
            self.out.append(self.indent)
            self.indent = ""
        self.after_marker = False
        self.out.append(text)

    def _newline(self, count: int = 1) -> None:
        if not self.out or self.after_marker:  # no blank lines before the first text, none after a marker
            return
        tail = "".join(self.out[-4:])
        have = len(tail) - len(tail.rstrip("\n"))
        if have < count:
            self.out.append("\n" * (count - have))
        if self.items and self.lists:
            self.indent = " " * self.lists[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            if not self.after_marker:
                self.out.append("\n")
                self.indent = " " * self.lists[-1][1] if self.items and self.lists else ""
        elif tag == "pre":
            self._newline()
            self._emit("```\n")
            self.pre += 1
        elif tag == "code" and not self.pre:
            self._emit("`")
        elif tag in ("ul", "ol"):
            self._newline(1 if self.lists else 2)
            base = self.lists[-1][1] if self.lists and self.items else 0
            self.lists.append([0 if tag == "ol" else -1, base, base])
        elif tag == "li":
            self.after_marker = False
            self._newline()
            entry = self.lists[-1] if self.lists else [-1, 0, 0]
            if entry[0] >= 0:
                entry[0] += 1
                marker = f"{entry[0]}. "
            else:
                marker = "- "
            entry[1] = entry[2] + len(marker)
            self.indent = ""
            self.out.append(" " * entry[2] + marker)
            self.after_marker = True
            self.items += 1
        elif tag in _MEDIA:
            name = (dict(attrs).get("src") or "").strip()
            if name:
                self._emit(f"[{_MEDIA[tag]}: {name}]")
        elif tag in _BLOCKS:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED:
            self.skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
            self._newline()
            self._emit("```\n")
        elif tag == "code" and not self.pre:
            self._emit("`")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.after_marker = False
            self.items = min(self.items, len(self.lists))
            self.indent = ""
            self._newline(1 if self.lists else 2)
        elif tag == "li":
            self.after_marker = False
            self._newline()
            self.items = max(self.items - 1, 0)
            self.indent = ""
        elif tag in _BLOCKS:
            self._newline(2 if tag == "p" and not self.items else 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not data.isprintable() or "  " in data:  # else nothing below would change it
            data = data.replace("\xa0", " ")
            if not self.pre:
                data = _SPACES.sub(" ", data)
        if not self.pre and (self.indent or self.after_marker or (self.out and self.out[-1].endswith((" ", "\n")))):
            data = data.lstrip(" ")
        if data:
            self._emit(data)

    def text(self) -> str:
        text = "".join(self.out)
        if "\n" not in text:
            return clean_text(text.strip())
        lines = [line.rstrip() for line in text.split("\n")]
        return clean_text(_MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip("\n").strip())


class _TextParser(_TextSink, HTMLParser):
    def __init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        _TextSink.__init__(self)


def _quick_text(html: str) -> str | None:
    """The text of a fragment made only of plain tags and text, read the way html.parser
    reads it at a fraction of the cost (most Anki fields); None when it needs html.parser."""
    sink = _TextSink()
    pos = 0
    for m in _TAG.finditer(html):
        start = m.start()
        if start > pos:
            chunk = html[pos:start]
            if "<" in chunk:
                return None
            sink.handle_data(unescape(chunk))
        pos = m.end()
        name = m.group("open")
        if name is None:
            tag = m.group("close").lower()
            if tag not in _PLAIN_TAGS:
                return None
            sink.handle_endtag(tag)
            continue
        tag = name.lower()
        if tag not in _PLAIN_TAGS:
            return None
        attrs: list[tuple[str, str | None]] = []
        if tag in _MEDIA and m.group("attrs"):
            for a in _ATTRS.finditer(m.group("attrs")):
                value = a.group("value")
                if value is not None and value[:1] in ("'", '"'):
                    value = value[1:-1]
                attrs.append((a.group("name").lower(), unescape(value) if value else value))
        if m.group("slash"):
            sink.handle_startendtag(tag, attrs)
        else:
            sink.handle_starttag(tag, attrs)
    if pos < len(html):
        chunk = html[pos:]
        if "<" in chunk:
            return None
        sink.handle_data(unescape(chunk))
    return sink.text()


def _fold(text: str) -> str:
    if text.isprintable() and "  " not in text:
        return text
    return _SPACES.sub(" ", text.replace("\xa0", " "))


def _simple_text(parts: list[str]) -> str:
    """The text of a fragment with formatting tags and line breaks only, as `_TextSink` makes it.

    `parts` alternate text and line break (None for a formatting tag). Within a line, the sink's
    chunk-by-chunk whitespace folding comes to folding the whole line (each chunk unescaped on
    its own); after a break it drops leading spaces.
    """
    if not any(parts[1::2]):  # no line break: one line, the usual case
        texts = parts[::2]
        line = "".join(texts)
        if "&" in line:  # chunk by chunk, as html.parser unescapes
            line = "".join([unescape(t) if "&" in t else t for t in texts])
        return clean_text(_fold(line).strip())
    lines: list[str] = []
    chunks: list[str] = []
    for i in range(0, len(parts), 2):
        chunks.append(unescape(parts[i]))
        if i + 1 < len(parts) and parts[i + 1] is not None:
            lines.append(_fold("".join(chunks)))
            chunks = []
    lines.append(_fold("".join(chunks)))
    if len(lines) == 1:
        return clean_text(lines[0].strip())
    text = "\n".join([lines[0].rstrip(), *(line.lstrip(" ").rstrip() for line in lines[1:])])
    return clean_text(_MANY_NEWLINES.sub("\n\n", text).strip("\n").strip())


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment; media become notes like `[image: x.png]`."""
    if "<" not in html and "&" not in html and "[sound:" not in html:
        if html.isprintable() and "  " not in html:  # the common case: nothing to collapse or clean
            return html.strip()
        return clean_text(_SPACES.sub(" ", html).strip())
    if "[sound:" in html:
        html = _SOUND.sub(lambda m: f"[audio: {m.group(1).strip()}]", html)
    parts = _SIMPLE.split(html)
    # Each tag split off holds exactly one "<" (none in its attributes): when they account for
    # every "<", the text between them has none, and these tags are all there is.
    if html.count("<") == len(parts) // 2:
        return _simple_text(parts)
    quick = _quick_text(html)
    return quick if quick is not None else parsed_text(html)


def parsed_text(html: str) -> str:
    """`html_to_text` through html.parser alone: what the quicker readers above must match."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        # html.parser (_markupbase) raises AssertionError on some declarations and marked sections
        # it does not know ("<![foo[", "<!x[", a bad DOCTYPE subset). In a note they are noise:
        # read them as text, which "&lt;!" makes of them.
        return parsed_text(html.replace("<!", "&lt;!"))
    return parser.text()
