"""The HTML run report: its data, its size, and the page in a real browser (headless Chromium from
Debian, driven by Selenium with Debian's chromedriver). Without Chromium the browser tests skip,
except under CI=true, where a missing browser fails loudly."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from vpcsim import draw, report, scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def vpc_recording(scenarios_dir: Path) -> draw.Recording:
    rec = draw.record(scenario.load(scenarios_dir / "public_private_vpc.yaml").build())
    rec.run()
    return rec


@pytest.fixture(scope="module")
def vpc_report(vpc_recording: draw.Recording, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return report.write(vpc_recording, tmp_path_factory.mktemp("report") / "report.html")


def _embedded(page: str) -> Any:
    blob = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S)
    assert blob is not None
    return json.loads(blob.group(1))


def test_report_is_one_small_self_contained_file(vpc_report: Path) -> None:
    page = vpc_report.read_text(encoding="utf-8")
    assert vpc_report.stat().st_size < 2_000_000
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "the page must load nothing from outside"
    assert "<link" not in page and "@import" not in page
    assert "<title>public-private-vpc: vpcsim run report</title>" in page


def test_report_data_holds_the_run(vpc_recording: draw.Recording, vpc_report: Path) -> None:
    data = _embedded(vpc_report.read_text(encoding="utf-8"))
    frames = draw.frame_records(vpc_recording)
    fields = data["frame_fields"]
    assert data["frames_total"] == len(data["frames"]) == len(frames)
    first = dict(zip(fields, data["frames"][0]))
    assert first["label"] == frames[0]["label"] and [l["name"] for l in first["layers"]] == ["Ethernet", "ARP"]
    assert {n["name"] for n in data["topology"]["nodes"]} == {n.name for n in vpc_recording.network.nodes}
    assert len(data["traffic"]) == 7 and all(t["expect_met"] for t in data["traffic"])
    assert [e["code"] for e in data["explain"]][0] == "NO_ROUTE_TO_DESTINATION"
    assert any(d[3] == "no_route" for d in data["drops"])
    nat = [dict(zip(fields, f)) for f in data["frames"] if f[fields.index("nat")]]
    # The NAT gateway translates to its private address, the internet gateway that to the Elastic IP.
    assert "NAT src 10.0.2.10 -> 10.0.1.4" in [f["nat"] for f in nat if f["src"] == "nat-a"]
    assert "NAT src 10.0.1.4 -> 198.51.100.20" in [f["nat"] for f in nat if f["src"] == "igw-main"]
    assert {row[0] for row in data["intervals"]} == {"arp", "mac", "nat"}


def test_report_without_a_recording_has_no_timeline(tmp_path: Path, scenarios_dir: Path) -> None:
    out = tmp_path / "out"
    run = scenario.run(scenarios_dir / "two_subnets.yaml", out)
    data = report.report_data(draw.source.view(run, out))
    assert data["intervals"] is None and len(data["frames"]) == 16


# --- in a browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if path is None]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        message = "the report's browser test needs " + ", ".join(missing) + " (.ci/setup.sh installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _errors(driver: Any) -> list:
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def _state(driver: Any) -> dict:
    return driver.execute_script(
        """
        var link = document.querySelector('.link.active');
        var row = document.querySelector('.lrow.current');
        return {current: window.vpcsimReport.current(),
                frame: document.getElementById('frame').getAttribute('data-frame'),
                link: link ? link.id : null,
                row: row ? row.getAttribute('data-index') : null,
                layers: Array.from(document.querySelectorAll('#frame details.layer > summary')).map(s => s.textContent),
                resources: performance.getEntriesByType('resource').length};
        """
    )


def test_report_in_a_browser_steps_through_the_frames(browser: Any, vpc_report: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    data = _embedded(vpc_report.read_text(encoding="utf-8"))
    fields = data["frame_fields"]
    browser.get(vpc_report.resolve().as_uri())
    assert _errors(browser) == []
    start = _state(browser)
    assert start["current"] == 0 and start["frame"] == "0" and start["row"] == "0"
    assert start["resources"] == 0  # nothing fetched: the page is all there is
    assert start["link"] == f"link-{data['frames'][0][fields.index('link')]}"
    assert start["layers"] == ["Ethernet", "ARP"]
    for _ in range(12):
        browser.find_element(By.ID, "next").click()
    moved = _state(browser)
    frame = dict(zip(fields, data["frames"][12]))
    assert moved["current"] == 12 and moved["frame"] == "12" and moved["row"] == "12"
    assert moved["link"] == f"link-{frame['link']}"
    assert moved["layers"] == [layer["name"] for layer in frame["layers"]]
    browser.find_element(By.ID, "prev").click()
    assert _state(browser)["current"] == 11
    # A ladder row selects its frame; play moves on by itself until paused.
    browser.execute_script("document.querySelectorAll('.lrow')[40].dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    assert _state(browser)["current"] == 40
    browser.find_element(By.ID, "play").click()
    time.sleep(2.0)
    browser.find_element(By.ID, "play").click()
    assert _state(browser)["current"] > 40
    assert _errors(browser) == []
    _screenshot_is_not_blank(browser, tmp_path / "report.png")


def _screenshot_is_not_blank(driver: Any, path: Path) -> None:
    import numpy
    from matplotlib import image

    driver.execute_script("window.scrollTo(0, 0)")
    assert driver.save_screenshot(str(path))
    pixels = image.imread(str(path))[:, :, :3]
    height, width = pixels.shape[:2]
    assert width >= 1000 and height >= 700
    not_white = (pixels.min(axis=2) < 0.9).mean()
    colours = len(numpy.unique((pixels * 255).astype(numpy.uint8).reshape(-1, 3), axis=0))
    assert not_white > 0.05, f"only {not_white:.1%} of the screenshot is not white"
    assert colours > 50, f"the screenshot has {colours} colours"


# --- vpcsim run --diagram / --report ---------------------------------------------------------------


def test_cli_run_writes_diagrams_and_report(run_cli: Any, scenarios_dir: Path, tmp_path: Path) -> None:
    result = run_cli("run", scenarios_dir / "home_nat.yaml", "--out", tmp_path / "out", "--diagram", tmp_path / "pics",
                     "--report", tmp_path / "report.html")
    assert result.returncode == 0, result.stderr
    for name in ("topology", "ladder", "arp-timeline", "mac-timeline", "nat-timeline"):
        assert (tmp_path / "pics" / f"{name}.svg").stat().st_size > 1000
        assert (tmp_path / "pics" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert f"report: {tmp_path / 'report.html'}" in result.stdout
    data = _embedded((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert data["name"] == "home-nat" and len(data["frames"]) == data["frames_total"] > 100
    assert (tmp_path / "out" / "results.json").is_file()


def test_recorded_run_writes_the_same_pcaps(run_cli: Any, scenarios_dir: Path, tmp_path: Path) -> None:
    """Recording steps the simulation between events: the scenario's pcaps stay byte-identical."""
    plain = run_cli("run", scenarios_dir / "home_nat.yaml", "--out", tmp_path / "plain")
    pictured = run_cli("run", scenarios_dir / "home_nat.yaml", "--out", tmp_path / "pictured", "--report",
                       tmp_path / "r.html")
    assert plain.returncode == pictured.returncode == 0
    pcaps = sorted(p.name for p in (tmp_path / "plain").glob("*.pcap"))
    assert len(pcaps) == 10
    for name in pcaps:
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "pictured" / name).read_bytes(), name
    plain_results = json.loads((tmp_path / "plain" / "results.json").read_text())
    pictured_results = json.loads((tmp_path / "pictured" / "results.json").read_text())
    assert plain_results == pictured_results


def test_cli_report_to_a_bad_place_is_an_input_error(run_cli: Any, scenarios_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("run", scenarios_dir / "two_subnets.yaml", "--report", blocker / "r.html")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("--report: cannot write")
    result = run_cli("run", scenarios_dir / "two_subnets.yaml", "--diagram", blocker)
    assert result.returncode == 2 and result.stderr.startswith("--diagram: cannot write")
