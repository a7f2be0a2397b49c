"""The console's server-drawn charts: proportional columns, labels, escaped titles, scaled by their viewBox."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from gateway.ops.svg import PLOT_HEIGHT, column_chart, hours_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_hours_chart_draws_one_column_per_hour_the_busiest_full_height() -> None:
    per_hour = [0] * 24
    per_hour[9], per_hour[10] = 20, 40
    svg = ET.fromstring(str(hours_chart(per_hour, "Requêtes par heure")))
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 24
    heights = [int(bar.get("height", "-1")) for bar in bars]
    assert heights[10] == PLOT_HEIGHT and heights[9] == PLOT_HEIGHT // 2 and heights[0] == 0
    assert [bar.find(f"{SVG}title").text for bar in bars][10] == "10h : 40"  # type: ignore[union-attr]
    texts = [t.text for t in svg.findall(f"{SVG}text")]
    assert "00h" in texts and "21h" in texts and "40" in texts and "20" in texts


def test_the_chart_scales_to_a_phone_screen_and_names_itself() -> None:
    svg = str(hours_chart([1] * 24, "Requêtes"))
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg) and ' width="' not in svg.split(">")[0]
    assert 'role="img"' in svg and "<title>Requêtes</title>" in svg


def test_labels_and_titles_are_escaped_and_counts_must_match_labels() -> None:
    svg = str(column_chart([1, 2], ["<a>", "b&c"], "<script>x</script>", every=1))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;a&gt;" in svg and "b&amp;c" in svg
    ET.fromstring(svg)  # well-formed
    with pytest.raises(ValueError):
        column_chart([1], ["a", "b"], "t")
    with pytest.raises(ValueError):
        hours_chart([1] * 23, "t")


def test_an_empty_day_draws_flat_columns_without_dividing_by_zero() -> None:
    svg = ET.fromstring(str(hours_chart([0] * 24, "Rien")))
    assert {bar.get("height") for bar in svg.findall(f"{SVG}rect")} == {"0"}
