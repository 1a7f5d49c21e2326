"""Headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) through the admin pages.

Usage: admin_browser.py BASE_URL USER PASSWORD FEED SCREENSHOT_DIR

Logs in through the form, opens the overview, the feed page and the ETD page at a laptop's and a phone's width,
saves a screenshot of each, and prints what the pages show as JSON, for the Swift test to check against the store.
Never downloads a driver: the chromedriver of the Debian package is named explicitly.
"""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000",
                     "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    # Console messages (a Content-Security-Policy violation is one) are read back after each page.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def texts(browser, selector):
    return [element.text for element in browser.find_elements(By.CSS_SELECTOR, selector)]


def screenshots(browser, directory, name):
    """The first screen at a laptop's width (NAME.png), the whole page (NAME-full.png), and the first screen of a
    phone (NAME-phone.png, 390 CSS pixels wide). Device metrics are set through the DevTools protocol, which sizes the
    page beyond the headless window's screen."""
    for suffix, width, height, mobile in (("", 1280, 1000, False), ("-phone", 390, 844, True)):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        browser.save_screenshot(os.path.join(directory, name + suffix + ".png"))
        if mobile:
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth > document.documentElement.clientWidth")
    full = browser.execute_script("return document.documentElement.scrollHeight")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1280, "height": min(full, 8000), "deviceScaleFactor": 1, "mobile": False})
    browser.save_screenshot(os.path.join(directory, name + "-full.png"))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return overflow


def main():
    base, user, password, feed, shots = sys.argv[1:6]
    os.makedirs(shots, exist_ok=True)
    browser = driver()
    result = {}
    try:
        browser.get(base + "/ui/")
        result["redirected_to_login"] = browser.current_url.endswith("/ui/login")
        browser.find_element(By.NAME, "username").send_keys(user)
        browser.find_element(By.NAME, "password").send_keys(password)
        browser.find_element(By.CSS_SELECTOR, "form[action='/ui/login'] button").click()
        # A click does not wait for the page it leads to: wait for the address to change (with a deadline).
        WebDriverWait(browser, 10).until(lambda b: not b.current_url.endswith("/ui/login"))
        result["after_login"] = browser.current_url

        result["overview_title"] = browser.title
        section = browser.find_element(By.ID, "feed-" + feed)
        result["overview_live"] = int(section.find_element(By.CSS_SELECTOR, ".live-count").text)
        result["overview_clients"] = texts(section, "table.clients td.value")
        result["stylesheet_applied"] = browser.execute_script(
            "return getComputedStyle(document.querySelector('header')).backgroundColor")
        result["phone_overflow"] = {"overview": screenshots(browser, shots, "overview")}

        section.find_element(By.CSS_SELECTOR, "h2 a").click()
        WebDriverWait(browser, 10).until(expected_conditions.url_contains("/ui/feeds/"))
        result["feed_title"] = browser.title
        result["feed_live"] = int(browser.find_element(By.CSS_SELECTOR, ".live-count").text)
        rows = browser.find_elements(By.CSS_SELECTOR, "table.types tr")[1:]
        result["feed_types"] = {row.find_elements(By.TAG_NAME, "td")[0].text: int(row.find_elements(By.TAG_NAME, "td")[1].text) for row in rows
                                if len(row.find_elements(By.TAG_NAME, "td")) == 2}
        result["feed_newest_rows"] = len(browser.find_elements(By.CSS_SELECTOR, "table.judgements tr")) - 1
        result["feed_bars"] = len(browser.find_elements(By.CSS_SELECTOR, "svg.chart rect"))
        result["phone_overflow"]["feed"] = screenshots(browser, shots, "feed")

        browser.find_element(By.LINK_TEXT, "ETD").click()
        WebDriverWait(browser, 10).until(expected_conditions.url_contains("/ui/etd"))
        result["etd_title"] = browser.title
        result["etd_verdicts"] = texts(browser, "p.legend span")
        result["etd_held_reasons"] = {
            row.find_elements(By.TAG_NAME, "td")[0].text: int(row.find_elements(By.TAG_NAME, "td")[1].text)
            for row in browser.find_elements(By.CSS_SELECTOR, "table.held-reasons tr")[1:]}
        result["etd_held_rows"] = len(browser.find_elements(By.CSS_SELECTOR, "table.held tr")) - 1
        result["phone_overflow"]["etd"] = screenshots(browser, shots, "etd")

        result["console_errors"] = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        browser.find_element(By.CSS_SELECTOR, "form[action='/ui/logout'] button").click()
        WebDriverWait(browser, 10).until(expected_conditions.url_contains("/ui/login"))
        result["after_logout"] = browser.current_url
        browser.get(base + "/ui/etd")
        result["after_logout_page"] = browser.current_url
    finally:
        browser.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
