"""The customer page in a real browser: Debian's Chromium driven by Playwright, every page state
checked by axe-core for WCAG 2.1 AA. Journeys: look up, read the page, write a review, rate the
delivery, choose a remedy, open a return; at 390x844 and 1280x800, once with JavaScript off, and
once by keyboard alone; then a failed delivery answered and a cash-on-delivery order confirmed. Screenshots go to the output directory (outside git).

Usage: journeys.py BASE_URL API_KEY PORCHLIGHT_BINARY OUTPUT_DIR   (DATABASE_URL in the environment)
"""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

BASE, KEY, BINARY, OUT = sys.argv[1:5]
failures = []
checks = 0


def api(method, path, body=None):
    request = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def must(method, path, body=None, status=(200, 201)):
    code, answer = api(method, path, body)
    if code not in status:
        sys.exit(f"setup failed: {method} {path} answered {code}: {answer}")
    return answer


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)
        print(f"FAIL {what}", flush=True)


def iso(seconds_ago):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds_ago))


SLUG = "casa-verde-" + uuid.uuid4().hex[:6]
must("PUT", "/v1/tracking-page", {
    "slug": SLUG, "store_name": "Casa Verde", "store_url": "https://casaverde.example",
    "colors": {"primary": "#1f5135", "on_primary": "#ffffff", "background": "#ffffff", "text": "#1d1d1f"},
    "support": {"email": "help@casaverde.example", "phone": "+40 21 555 0100"},
    "banner": {"text": "Free returns for 30 days", "url": "https://casaverde.example/returns"},
    "recommendations": [{"for_sku": "MUG", "sku": "SAUCER", "name": "Stoneware saucer", "url": "https://casaverde.example/p/saucer"}],
})
must("PUT", "/v1/return-policy", {"window_days": 30, "time_zone": "Europe/Bucharest",
                                  "resolutions": ["refund", "store_credit"], "methods": ["mail", "returnless"]})
must("PUT", "/v1/remedy-rules", {"rules": [{"reasons": ["declared_disruption"], "valid_days": 7,
                                            "offers": [{"kind": "discount_percent", "percent": 10}, {"kind": "free_shipping"}]}]})
# Every order's second parcel travels with this carrier, held up by a declared disruption.
must("POST", "/v1/disruptions", {"cause": "weather", "extra_days": 2, "scope": {"carriers": [{"carrier": "slowpost"}]},
                                 "customer_message": "Storms are slowing deliveries in your region."})


def new_order():
    """An order with a delivered parcel (a tee) and one held up by the disruption (a mug)."""
    number = "CV-" + uuid.uuid4().hex[:8].upper()
    order = must("POST", "/v1/orders", {
        "order_number": number, "channel": {"type": "web"}, "placed_at": iso(5 * 86400), "currency": "RON",
        "customer": {"email": "ana@example.com", "name": "Ana Popescu", "locale": "en"},
        "destination": {"name": "Ana Popescu", "line1": "Str. Lipscani 12", "city": "Bucharest", "postal_code": "030031", "country": "RO"},
        "lines": [{"sku": "TEE", "name": "Linen tee", "quantity": 2, "unit_price": 9900},
                  {"sku": "MUG", "name": "Stoneware mug", "quantity": 1, "unit_price": 4500}]})
    first = must("POST", f"/v1/orders/{order['id']}/shipments", {"carrier": "dhl", "tracking_number": "DHL" + uuid.uuid4().hex[:10].upper(),
                                                                  "lines": [{"sku": "TEE", "quantity": 2}]})
    must("POST", f"/v1/shipments/{first['id']}/events", {"events": [
        {"status": "info_received", "occurred_at": iso(4 * 86400)},
        {"status": "in_transit", "occurred_at": iso(3 * 86400), "location": {"city": "Pitesti", "country": "RO"}},
        {"status": "in_transit", "occurred_at": iso(2 * 86400), "location": {"city": "Bucharest", "country": "RO"}},
        {"status": "out_for_delivery", "occurred_at": iso(86400 + 3600), "location": {"city": "Bucharest", "country": "RO"}},
        {"status": "delivered", "occurred_at": iso(86400), "location": {"city": "Bucharest", "country": "RO"}}]})
    second = must("POST", f"/v1/orders/{order['id']}/shipments", {"carrier": "slowpost", "tracking_number": "SP" + uuid.uuid4().hex[:10].upper(),
                                                                   "lines": [{"sku": "MUG", "quantity": 1}]})
    must("POST", f"/v1/shipments/{second['id']}/events", {"events": [{"status": "in_transit", "occurred_at": iso(2 * 86400)}]})
    return number


def detect():
    """One detector pass, as the service runs every five minutes: the held-up parcels get their alert and remedy."""
    subprocess.run([BINARY, "detect"], check=True, capture_output=True)


def accessible(page, state, javascript=True):
    # axe-core runs as a script in the page: with JavaScript off it cannot (the same states are
    # checked with it on).
    if not javascript:
        return
    results = Axe().run(page)
    check(results.violations_count == 0, f"axe: {state}: {results.generate_report() if results.violations_count else ''}")


def shot(page, name):
    page.screenshot(path=os.path.join(OUT, name + ".png"), full_page=True)


def look_up(page, number, javascript=True):
    page.goto(f"{BASE}/pages/{SLUG}")
    accessible(page, f"look-up page ({page.viewport_size['width']})", javascript)
    page.get_by_label("Order number").fill(number)
    page.get_by_label("Email address").fill("ana@example.com")
    page.get_by_role("button", name="Find my order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


def journey(browser, width, height, javascript, name):
    print(f"==> {name}: {width}x{height}, JavaScript {'on' if javascript else 'off'}", flush=True)
    numbers = [new_order()]
    detect()
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    look_up(page, numbers[0], javascript)
    check("/order" in page.url and "ana" not in page.url.lower() and numbers[0] not in page.url, f"{name}: no personal data in {page.url}")
    check(page.get_by_text("Storms are slowing deliveries").count() > 0, f"{name}: the merchant's words on the alert")
    check(page.get_by_text("Stoneware saucer").count() > 0, f"{name}: the recommendation")
    accessible(page, f"{name}: order page", javascript)
    shot(page, f"{name}-order")

    # Checkpoints: three shown, the rest behind "Show all".
    page.get_by_text("Show all 5 checkpoints").click()
    check(page.locator("details.older[open]").count() == 1, f"{name}: older checkpoints open")

    page.get_by_role("group", name="How do you like Linen tee?").get_by_label("4 stars: good").check()
    page.get_by_label("Title").first.fill("Soft and light")
    page.get_by_role("button", name="Send the review").first.click()
    expect(page.get_by_role("status").filter(has_text="Thank you for your review.")).to_be_visible()
    accessible(page, f"{name}: after the review", javascript)

    page.get_by_role("group", name="How was the delivery?").get_by_label("5 stars: excellent").check()
    page.get_by_role("button", name="Rate the delivery").click()
    expect(page.get_by_role("status").filter(has_text="rating")).to_be_visible()

    page.get_by_role("button", name="Free shipping on your next order").click()
    expect(page.get_by_text("You chose: Free shipping on your next order")).to_be_visible()
    accessible(page, f"{name}: remedy chosen", javascript)

    page.get_by_label("Linen tee").fill("1")
    page.get_by_label("Reason").select_option("too_small")
    page.get_by_label("What you would like").select_option("store_credit")
    page.get_by_role("button", name="Start the return").click()
    expect(page.get_by_role("status").filter(has_text="Your return has been started.")).to_be_visible()
    check(page.get_by_text("1 × Linen tee").count() > 0, f"{name}: the return's progress")
    accessible(page, f"{name}: return opened", javascript)
    shot(page, f"{name}-after-actions")
    check(not errors, f"{name}: console errors {errors}")
    context.close()


def keyboard_journey(browser):
    """Every action reached with the keyboard alone, and a review written without a mouse."""
    print("==> keyboard only", flush=True)
    number = new_order()
    detect()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    look_up(page, number)
    wanted = {"Send the review", "Rate the delivery", "Start the return", "Free shipping on your next order", "Show all 5 checkpoints"}
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        label = page.evaluate("() => { const e = document.activeElement; return e ? (e.innerText || e.getAttribute('aria-label') || '').trim() : '' }")
        reached.add(label)
    check(wanted <= reached, f"keyboard: reached {sorted(wanted & reached)}, missing {sorted(wanted - reached)}")
    # The skip link comes first.
    page.goto(page.url)
    page.keyboard.press("Tab")
    check(page.evaluate("() => document.activeElement.getAttribute('href')") == "#main", "keyboard: skip link first")
    page.get_by_role("group", name="How do you like Linen tee?").get_by_label("5 stars: excellent").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send the review").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Thank you for your review.")).to_be_visible()
    context.close()


def failed_delivery(browser, width, height, javascript, name):
    """A parcel that failed its attempt: the customer reads why and chooses what happens next; a
    cash-on-delivery order is confirmed."""
    print(f"==> {name}: a failed delivery and a cash-on-delivery confirmation, JavaScript {'on' if javascript else 'off'}", flush=True)
    number = "CV-" + uuid.uuid4().hex[:8].upper()
    order = must("POST", "/v1/orders", {
        "order_number": number, "channel": {"type": "web"}, "placed_at": iso(3 * 86400), "currency": "RON", "cash_on_delivery": True,
        "customer": {"email": "ana@example.com", "name": "Ana Popescu", "locale": "en"},
        "destination": {"name": "Ana Popescu", "line1": "Str. Lipscani 12", "city": "Bucharest", "postal_code": "030031", "country": "RO"},
        "lines": [{"sku": "TEE", "name": "Linen tee", "quantity": 1, "unit_price": 9900}]})
    parcel = must("POST", f"/v1/orders/{order['id']}/shipments", {"carrier": "dhl", "tracking_number": "DHL" + uuid.uuid4().hex[:10].upper(),
                                                                   "lines": [{"sku": "TEE", "quantity": 1}]})
    must("POST", f"/v1/shipments/{parcel['id']}/events", {"events": [
        {"status": "in_transit", "occurred_at": iso(2 * 86400)},
        {"status": "attempted_delivery", "substatus": "recipient_unavailable", "occurred_at": iso(3600), "location": {"city": "Bucharest", "country": "RO"}}]})
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
    page = context.new_page()
    look_up(page, number, javascript)
    expect(page.get_by_role("heading", name="We could not deliver your parcel")).to_be_visible()
    check(page.get_by_text("Nobody was there to receive it.").count() == 1, f"{name}: the reason")
    accessible(page, f"{name}: a failed delivery", javascript)
    shot(page, f"{name}-failed-delivery")
    page.get_by_label("Deliver again with instructions for the driver").check()
    page.get_by_role("textbox", name="Instructions for the driver").fill("Gate code 4512, leave it with the concierge.")
    page.get_by_role("button", name="Send my choice").click()
    expect(page.get_by_role("status").filter(has_text="your choice went to the carrier")).to_be_visible()
    check(page.get_by_text("You asked: Deliver again with instructions for the driver").count() == 1, f"{name}: the choice shown")
    check(page.get_by_role("button", name="Send my choice").count() == 0, f"{name}: nothing more to choose")
    accessible(page, f"{name}: choice sent", javascript)
    page.get_by_role("button", name="Confirm my order").click()
    expect(page.get_by_role("status").filter(has_text="your order is confirmed")).to_be_visible()
    check(must("GET", f"/v1/orders/{order['id']}")["confirmation"] == "confirmed", f"{name}: confirmed through the API too")
    context.close()


def other_states(browser):
    """Pages the journeys do not pass through: an error, a language picked, the postal-code view."""
    print("==> other states: a miss in German, the postal-code view", flush=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{BASE}/pages/{SLUG}?lang=de")
    check(page.locator("html").get_attribute("lang") == "de", "language: lang attribute")
    page.get_by_label("Bestellnummer").fill("NOPE-1") if page.get_by_label("Bestellnummer").count() else page.locator("#order_number").fill("NOPE-1")
    page.locator("#postal_code").fill("99999")
    page.locator("form.lookup button").click()
    check(page.locator("[role=alert]").count() == 1, "look-up miss: an alert")
    accessible(page, "look-up miss (de)")
    number = new_order()
    page.goto(f"{BASE}/pages/{SLUG}")
    page.locator("#order_number").fill(number)
    page.locator("#postal_code").fill("030031")
    page.locator("form.lookup button").click()
    check(page.locator("form[action$='/reviews']").count() == 0, "postal code: no review form")
    check(page.get_by_text("Free shipping on your next order").count() == 1 and page.get_by_text("Choose what we can do").count() == 0,
          "postal code: the remedies shown, with no invitation to choose them")
    check(page.get_by_text("ana@example.com").count() == 0 and page.get_by_text("Lipscani").count() == 0, "postal code: no personal data")
    accessible(page, "order page, postal-code proof")
    shot(page, "postal-code-order")
    context.close()


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
    journey(browser, 390, 844, True, "phone")
    journey(browser, 1280, 800, True, "desktop")
    journey(browser, 390, 844, False, "no-javascript")
    keyboard_journey(browser)
    failed_delivery(browser, 390, 844, True, "phone")
    failed_delivery(browser, 1280, 800, False, "no-javascript")
    other_states(browser)
    browser.close()

print(f"{checks} browser checks, {len(failures)} failed; screenshots in {OUT}")
sys.exit(1 if failures else 0)
