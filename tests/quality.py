"""Quality checks shared by the tests: accessibility (axe-core) and HTML validity (W3C Nu).

Both tools run offline. Locally a missing tool skips the test with a message saying what to
install; in CI (`CI=true`) it fails instead, so a green CI run means every check really ran.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tools.chromium import in_ci

REPO = Path(__file__).resolve().parent.parent
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The validator runs for a second: the quick JIT tier starts it several times faster; the
# larger thread stack is what the validator asks for on its schema evaluation.
JAVA_FAST_START = ["-XX:TieredStopAtLevel=1", "-Xss1m"]

# The EU accessibility directive points at EN 301 549, i.e. WCAG 2.1 levels A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(available, message):
    """Skip the calling test locally when a tool is missing; fail in CI, where all must run."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{message} (CI=true: quality checks may not be skipped)", pytrace=False)
    pytest.skip(message)


# --- The pages every check covers ----------------------------------------------------------------


def public_page_paths(member, competence):
    """Every public page type, with the status a visitor gets, in one language."""
    return {
        "home": ("/", 200),
        "directory": ("/members/", 200),
        "directory, filtered": (f"/members/?category=enterprise&competence={competence.slug}", 200),
        "directory, no result": ("/members/?q=nimicdegasit", 200),
        "profile": (f"/members/{member.slug}/", 200),
        "page not found": ("/members/no-such-member/", 404),
        "privacy": ("/privacy/", 200),
        "membership": ("/membership/", 200),
    }


def opportunity_page_paths(opportunity, member):
    """The opportunity board's page types (issue 20), with the status a visitor gets."""
    return {
        "opportunities": ("/opportunities/", 200),
        "opportunities, filtered": ("/opportunities/?kind=partner-search", 200),
        "opportunities, no result": ("/opportunities/?q=nimicdegasit", 200),
        "opportunity": (f"/opportunities/{opportunity.slug}/", 200),
        "express interest": (f"/opportunities/{opportunity.slug}/contact/", 200),
        "contact a member": (f"/members/{member.slug}/contact/", 200),
        "message sent": ("/opportunities/contact/sent/", 200),
    }


# --- Accessibility ------------------------------------------------------------------------------

_axe = Axe()


def axe_violations(page):
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert not violations, (
        f"{len(violations)} WCAG 2.1 A/AA rule(s) violated on {page.url}:\n{describe_violations(violations)}"
    )


# --- HTML validity ------------------------------------------------------------------------------


def require_validator():
    require(shutil.which("java"), "HTML validation needs Java 17+ (apt-get install default-jre-headless)")
    require(VNU_JAR.is_file(), f"HTML validation needs the Nu validator: run `npm ci` ({VNU_JAR} is missing)")


def html_validation_errors(pages):
    """The Nu validator's errors for each page, as {name: [message, …]}, in one Java start.

    `pages` maps a readable name (e.g. "profile (en)") to the HTML text. Starting Java takes
    about two seconds, so all pages are validated in one run.
    """
    require_validator()
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for index, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page{index}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        result = subprocess.run(
            [
                "java",
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--errors-only",
                *sorted(Path(folder).iterdir()),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    # The validator reports on stderr (JSON) and exits 1 when it found errors.
    report = json.loads(result.stderr)
    errors = {name: [] for name in pages}
    for message in report["messages"]:
        if message["type"] in ("error", "non-document-error"):
            name = names.get(message.get("url", "").rpartition("/")[2], "(validator)")
            errors.setdefault(name, []).append(_describe_message(message))
    return errors


def _describe_message(message):
    where = f"line {message['lastLine']}: " if "lastLine" in message else ""
    extract = f"  «{message['extract'].strip()}»" if message.get("extract") else ""
    return f"{where}{message['message']}{extract}"


def assert_valid_html(pages):
    """Assert the Nu validator finds no error in any of `pages` ({name: html}, or one HTML string)."""
    if isinstance(pages, str):
        pages = {"page": pages}
    errors = {name: found for name, found in html_validation_errors(pages).items() if found}
    report = "\n".join(
        f"{name}:\n" + "\n".join(f"  - {error}" for error in found) for name, found in errors.items()
    )
    assert not errors, f"The W3C Nu validator found errors:\n{report}"
