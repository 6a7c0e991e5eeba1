"""The staff app in a real headless Chromium (tests.real_parts.chromium): a tablet's screen,
signing in as a person does, and what every page must be on that screen."""

from playwright.sync_api import expect

TABLET = {"width": 768, "height": 1024}


def sign_in(page, live_server, password, username="north-therapist"):
    """Through the sign-in form, landing on Today."""
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")


def fits_and_labels(page, url):
    """The page at `url` fits a tablet's width and labels every control."""
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"], url
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !el.closest('template'))
            .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == [], url
