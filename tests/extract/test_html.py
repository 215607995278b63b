"""The HTML reader: one line per block of text, headings bold, scripts and comments ignored."""

from __future__ import annotations

from pipeline.extract import extract_file

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <title>Page title, not page text</title>
  <style>p { color: #333; } /* <p>not text</p> */</style>
  <script>var banner = "<h1>not text</h1>";</script>
</head>
<body>
  <!-- navigation removed: <p>not text</p> -->
  <h1>Customer   Service (4430)</h1>
  <p>Last Updated: 03&nbsp;Aug&nbsp;2023</p>
  <h2>Available to deliver in the following:</h2>
  <ul>
    <li>England</li>
    <li>Wales &ndash; please check QiW website</li>
  </ul>
  <p>The learner&rsquo;s units are <strong>mandatory</strong> or optional &amp; credit-rated.</p>
  <table>
    <tr><th>Qualification</th><th>Fee</th></tr>
    <tr><td>Level 2 NVQ Certificate</td><td>&pound;150</td></tr>
  </table>
  <script>document.write("not text");</script>
  <p>First line<br>Second line</p>
</body>
</html>
"""


def test_html_page_reads_as_lines(tmp_path):
    path = tmp_path / "catalogue.html"
    path.write_text(PAGE, encoding="utf-8")
    extraction = extract_file(path, "page", path.name)
    assert (extraction.media_type, extraction.pages, extraction.issues) == ("text/html", 1, ())
    assert [(line.page, line.line, line.text, line.bold) for line in extraction.lines] == [
        (1, 1, "Customer Service (4430)", True),
        (1, 2, "Last Updated: 03 Aug 2023", False),
        (1, 3, "Available to deliver in the following:", True),
        (1, 4, "England", False),
        (1, 5, "Wales \u2013 please check QiW website", False),
        # Bold only where the whole line is: a strong word inside a sentence is not a heading.
        (1, 6, "The learner\u2019s units are mandatory or optional & credit-rated.", False),
        (1, 7, "Qualification Fee", True),
        (1, 8, "Level 2 NVQ Certificate \u00a3150", False),
        (1, 9, "First line", False),
        (1, 10, "Second line", False),
    ]


def test_windows_1252_html_is_read_with_a_warning(tmp_path):
    path = tmp_path / "legacy.htm"
    path.write_bytes("<p>the customer\u2019s premises</p>".encode("cp1252"))
    extraction = extract_file(path, "legacy", path.name)
    assert [line.text for line in extraction.lines] == ["the customer\u2019s premises"]
    assert [issue.code for issue in extraction.issues] == ["text-not-utf8"]


def test_a_block_wrapped_in_the_source_is_one_line(tmp_path):
    path = tmp_path / "wrapped.html"
    path.write_text("<h2>Optional Units -\n    Handling Problems</h2>\n"
                    "<p>Deliver customer service\nto difficult customers</p>", "utf-8")
    lines = extract_file(path, "wrapped", path.name).lines
    assert [(line.text, line.bold) for line in lines] == [
        ("Optional Units - Handling Problems", True),
        ("Deliver customer service to difficult customers", False),
    ]


def test_preformatted_text_keeps_its_lines(tmp_path):
    path = tmp_path / "pre.html"
    path.write_text("<pre>Unit 301\n  1.1 explain the <b>service offer</b>\n\nUnit 302</pre><p>after\nthe pre</p>", "utf-8")
    lines = extract_file(path, "pre", path.name).lines
    assert [line.text for line in lines] == ["Unit 301", "1.1 explain the service offer", "Unit 302", "after the pre"]


def test_a_cell_of_several_lines_stands_apart_as_in_a_ruled_pdf_table(tmp_path):
    """One-line cells of a row join into one line; a cell of several lines keeps them, apart from its neighbours."""
    path = tmp_path / "grid.html"
    path.write_text("<table><tr><td>4430-201</td><td>Deal with customers</td><td>3</td></tr>"
                    "<tr><td>1 Know the procedure</td><td>1.1 Outline its stages<br>1.2 State who settles</td>"
                    "<td>How a complaint moves<br>Who may decide</td><td><p>Note</p></td></tr></table>", "utf-8")
    assert [line.text for line in extract_file(path, "grid", path.name).lines] == [
        "4430-201 Deal with customers 3", "1 Know the procedure", "1.1 Outline its stages", "1.2 State who settles",
        "How a complaint moves", "Who may decide", "Note"]
