"""Template helpers."""

from __future__ import annotations

from greenroom.web.templating import highlight


def test_highlight_marks_quotes_and_escapes_everything_else() -> None:
    text = "I added <b>an index</b>. Then latency fell by 40%."
    marked = str(highlight(text, ["Then latency fell by 40%.", "not in the text", ""]))
    assert marked == ("I added &lt;b&gt;an index&lt;/b&gt;. <mark>Then latency fell by 40%.</mark>")
    assert str(highlight("<script>", [])) == "&lt;script&gt;"
    overlapping = str(highlight("abc def", ["abc def", "def"]))
    assert overlapping.count("<mark>") == 1
