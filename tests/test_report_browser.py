"""report.html in a real headless Chromium (Debian's ``chromium``; ``make chromium`` installs it).

It opens the report of the hand-made set in ``test_coverage_report`` as a local file and checks what a
reader sees: the heatmap is drawn, the language toggle switches labels, clicking a heatmap cell or a
table count lists the right Recommendations (a hostile title shows as text), nothing is fetched from
the network and nothing is logged as an error.
"""
import pytest

from pipeline.coverage import compute_coverage
from pipeline.report import render_report
from pipeline.report.browser import CHROMIUM, Chromium
from pipeline.taxonomy import load_taxonomy
from tests.test_coverage_report import PARAMS, _preds, _recs

pytestmark = pytest.mark.browser

CELL = """(() => {
  const gd = document.getElementById('heat-lines'), full = gd._fullLayout, box = gd.getBoundingClientRect();
  const row = gd.data[0].customdata.findIndex(r => r[0][0].split('|')[2] === %r);
  const col = gd.data[0].x.indexOf(%r);
  return [box.left + full.xaxis._offset + full.xaxis.l2p(col), box.top + full.yaxis._offset + full.yaxis.l2p(row)];
})()"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's package (make test does it)")
    taxonomy = load_taxonomy()
    coverage = compute_coverage(_recs(), _preds(), taxonomy=taxonomy, params=PARAMS)
    report = tmp_path_factory.mktemp("report") / "report.html"
    report.write_text(render_report(coverage, taxonomy=taxonomy, lang="en"), encoding="utf-8")
    with Chromium() as browser:
        page = browser.open(report.as_uri(), width=1400, height=1000)
        page.wait_for("document.body.getAttribute('data-ready') === '1'")
        yield page


def _drilled(page) -> list[str]:
    page.wait_for("!document.getElementById('drill').hidden")
    return page.evaluate("[...document.querySelectorAll('#drill-list .drill-item')].map(li => li.dataset.rec)")


def test_heatmap_renders_with_counts(page):
    assert page.evaluate("document.querySelectorAll('#heat-lines .heatmaplayer image').length") >= 1
    labels = page.evaluate("[...document.querySelectorAll('#heat-lines .heatmaplayer text')].map(t => t.textContent)")
    assert labels.count("2") >= 2 and "8" not in labels  # SG17·C5, SG15·C2, TSAG·C11; no cell counts all 8
    ticks = page.evaluate("[...document.querySelectorAll('#heat-lines .ytick text')].map(t => t.textContent)")
    assert ticks[:2] == ["ITU-T (8)", "SG2 (1)"]


def test_clicking_a_heatmap_cell_lists_its_recommendations(page):
    page.click_at(*page.evaluate(CELL % ("SG17", "C5")))
    assert sorted(_drilled(page)) == ["ITU-T X.1 (05/2023)", "ITU-T X.2 (06/2022)"]
    assert "drill=action_line" in page.evaluate("location.hash")
    first = page.evaluate("document.querySelector('#drill-list .drill-item .ttl .en').textContent")
    assert first == "Security <script>alert(1)</script>"  # shown as text, never run
    assert page.evaluate("document.querySelectorAll('#drill-list script').length") == 0
    assert page.evaluate("document.querySelector('#drill-list .ev').innerText").startswith("matched terms: x")
    page.click("#drill-close")
    page.wait_for("document.getElementById('drill').hidden")


def test_table_count_excludes_superseded_editions(page):
    page.evaluate("document.getElementById('s-tables').scrollIntoView({behavior: 'instant'})")
    page.click("#t-lines a[data-drill='action_line|C2|SG15|']")
    assert sorted(_drilled(page)) == ["ITU-T G.1 (01/2020)", "ITU-T G.2 (06/2024)"]  # not G.0 (superseded)
    page.evaluate("document.getElementById('drill-close').click()")


def test_language_toggle_switches_every_label(page):
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    page.click("#lang-fr")
    page.wait_for("document.getElementById('heat-lines').dataset.rendered === 'fr'")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.evaluate("document.querySelector('#s-lines h2').innerText") == \
        "Commission d'études × grande orientation du SMSI"
    ticks = page.evaluate("[...document.querySelectorAll('#heat-lines .ytick text')].map(t => t.textContent)")
    assert ticks[:3] == ["UIT-T (8)", "CE2 (1)", "CE15 (2)"]
    assert page.evaluate("document.querySelector('#trend-group option:checked').textContent") == "UIT-T"
    assert page.evaluate("document.querySelector('.legend-action_line li').innerText").startswith(
        "C1 Le rôle des gouvernements")
    page.evaluate("location.hash = 'drill=' + encodeURIComponent('action_line|C2|ITU-T|')")
    _drilled(page)
    title = page.evaluate("document.getElementById('drill-title').innerText")
    assert title.startswith("UIT-T · Grande orientation C2")
    page.evaluate("document.getElementById('drill-close').click()")
    page.click("#lang-en")
    page.wait_for("document.getElementById('heat-lines').dataset.rendered === 'en'")
    assert page.evaluate("document.querySelector('#s-lines h2').innerText") == "Study group × WSIS action line"


def test_trend_chart_shows_one_group_at_a_time(page):
    page.evaluate("const s = document.getElementById('trend-group'); s.value = 'SG17';"
                  "s.dispatchEvent(new Event('change'))")
    page.wait_for("document.getElementById('trend-period').data.some(t => t.visible && t.meta[0] === 'SG17')")
    shown = page.evaluate("[...new Set(document.getElementById('trend-period').data"
                          ".filter(t => t.visible).map(t => t.meta[0]))]")
    assert shown == ["SG17"]


def test_no_console_errors_and_nothing_fetched(page):
    assert page.console_errors() == []
    assert {url.split(":")[0] for url in page.requests()} <= {"file", "data"}
