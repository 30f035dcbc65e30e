"""checks.engine.result: a Result renders as text and as HTML, in words as well as colour."""

from rnncourse.checks import Result


# ----------------------------------------------------------------------------- result object
def test_result_renders_text_and_html_with_words_not_only_colour():
    good = Result("demo", True, "All 3 test cases pass.", 2, 2)
    bad = Result("demo", False, "x < y & z", 0, 2)
    assert "✓ PASSED" in str(good) and "2/2 points" in repr(good)
    assert "✗ FAILED" in str(bad) and "0/2 points" in str(bad)
    html_good, html_bad = good._repr_html_(), bad._repr_html_()
    assert "✓ PASSED" in html_good and "#1a7f37" in html_good
    assert "✗ FAILED" in html_bad and "#b42318" in html_bad
    assert "x &lt; y &amp; z" in html_bad  # the message is escaped
