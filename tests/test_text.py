"""The one escaping helper per medium: Markdown, plotly labels, spreadsheet cells."""

from __future__ import annotations

import json

import pytest

from pmo_data import text
from pmo_data.charts.figure import FigureBuilder, trace

HOSTILE = [
    "[click me](http://evil.example/steal)",
    "![pixel](http://evil.example/pixel.png)",
    ":red[Alarm] :material/warning:",
    "$\\frac{a}{b}$",
    "<a href='http://evil.example'>Project</a>",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` # heading",
    "line one\nline two\r\n- a list item",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_md_leaves_no_markdown_meaning(value: str) -> None:
    out = text.md(value)
    assert "\n" not in out and "\r" not in out
    # every markup character is escaped: nothing that opens a link, image, directive, math,
    # emphasis or HTML survives unescaped
    for ch in "[]()!:$*_`#<>":
        assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c == ch), (ch, out)


def test_md_round_trips_through_streamlit_markdown_as_the_same_characters() -> None:
    # Markdown unescaping (CommonMark: a backslash before ASCII punctuation) gives the text back
    import re

    for value in HOSTILE:
        unescaped = re.sub(r"\\(.)", r"\1", text.md(value)).replace(text.WORD_JOINER, "")
        assert unescaped == " ".join(value.replace("\r\n", "\n").split("\n"))


@pytest.mark.parametrize("value", ["http://evil.example/x", "see HTTPS://a.b", "www.evil.example",
                                   "ftp://f.example", "x www.y.z", "head.of.pmo@trust.nhs.uk"])
def test_md_breaks_autolinks(value: str) -> None:
    # GFM links bare addresses after escapes are read: a word joiner must split the scheme
    import re

    read = re.sub(r"\\(.)", r"\1", text.md(value))
    assert not re.search(r"(?i)\b(https?://|ftp://|www\.)|\w@[\w-]+\.", read)
    assert read.replace(text.WORD_JOINER, "") == value


def test_md_leaves_words_like_schemes_alone() -> None:
    assert text.md("httpd and wwwx") == "httpd and wwwx"


@pytest.mark.parametrize("value, safe", [
    ("a<br>b", "a<br>b"), ("<b>x</b>", "<b>x</b>"), ("%{y}<extra></extra>", "%{y}<extra></extra>"),
    ("<a href='h'>h</a>", "&lt;a href='h'&gt;h&lt;/a&gt;"), ("<img src=j>", "&lt;img src=j&gt;"),
    ('<span style="c">s</span>', '&lt;span style="c"&gt;s&lt;/span&gt;'),
    ("<b onclick=x>", "&lt;b onclick=x&gt;"), ("a < b > c", "a &lt; b &gt; c"), ("x<", "x&lt;"),
])
def test_plotly_markup_keeps_only_bare_safe_tags(value: str, safe: str) -> None:
    assert text.plotly_markup(value) == safe


def test_escape_axes_escapes_titles_annotations_and_category_positions() -> None:
    bad = "<a href='h'>G</a>"
    layout = text.escape_axes({
        "title": {"text": bad}, "xaxis": {"title": {"text": bad}, "ticktext": [bad]},
        "legend": {"title": {"text": bad}},
        "annotations": [{"x": 1, "y": bad, "text": f"<b>{bad}</b>"}],
        "shapes": [{"y0": bad, "y1": bad, "x0": 0}]})
    esc = text.html(bad)
    assert layout["title"]["text"] == layout["xaxis"]["title"]["text"] == esc
    assert layout["xaxis"]["ticktext"] == [esc] and layout["legend"]["title"]["text"] == esc
    assert layout["annotations"][0] == {"x": 1, "y": esc, "text": f"<b>{esc}</b>"}
    assert layout["shapes"][0] == {"y0": esc, "y1": esc, "x0": 0}


def test_md_of_none_and_numbers() -> None:
    assert text.md(None) == "" and text.md(12.5) == "12\\.5"


def test_html_and_label() -> None:
    assert text.html("<a href='x'>&</a>") == "&lt;a href='x'&gt;&amp;&lt;/a&gt;"
    assert text.label("Q4 Jan-Mar<br>(not started)") == "Q4 Jan-Mar<br>(not started)"
    assert text.label("<b>x</b><br><a href=y>") == "&lt;b&gt;x&lt;/b&gt;<br>&lt;a href=y&gt;"


@pytest.mark.parametrize("value, safe", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("plain", "plain"), (5, 5), (None, None),
])
def test_cell(value: object, safe: object) -> None:
    assert text.cell(value) == safe


def test_every_figure_escapes_its_data_fields() -> None:
    name = "<a href='http://evil.example'>P1</a>"
    fig = FigureBuilder()
    fig.add_trace(trace("bar", x=[name, "ok"], y=[1, 2], name=name, customdata=[[name], ["x"]],
                        hovertemplate="%{x}: %{customdata[0]}<extra></extra>"))
    fig.add_trace(trace("sankey", node={"label": [name]}, link={"source": [0], "target": [0],
                                                                 "value": [1]}))
    fig.update_xaxes(tickvals=[0], ticktext=[name])
    spec = json.dumps(fig.build().to_plotly_json())
    assert "<a href" not in spec and "&lt;a href=" in spec
    # the app's own templates keep their markup
    assert "%{x}: %{customdata[0]}<extra></extra>" in spec


@pytest.mark.parametrize(("value", "shown"), [
    ("-5.4 pts", "-5\\.4 pts"), ("+£1,200", "+£1,200"), ("-£295,350", "-£295,350"),
    ("No change", "No change"), ("- item", "\\- item"), ("+3 [x](y)", "+3 \\[x\\]\\(y\\)"),
])
def test_md_signed_keeps_the_sign_a_metric_reads(value: str, shown: str) -> None:
    assert text.md_signed(value) == shown
