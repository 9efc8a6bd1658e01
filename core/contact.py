"""Finds contact details in free text, including the usual ways of hiding them.

Public questions and answers must not carry a phone number, an email address or a web
address: that is how bidding moves off the platform (and how an asker stops being
anonymous). People write "five one two, five five five...", "john at gmail dot com" or
"www dot example dot com" to slip past a plain regex, so the text is normalised first
(number words to digits, "at"/"dot" in their spelled-out and bracketed forms to symbols).
Dimensions, prices and dates stay allowed: a phone number is 10 digits in one run (11 with
the leading 1) or a 3-4 local number.
"""

import re

_NUMBER_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}
# Tokens that may sit between the digits of one phone number.
_JOINERS = {"", "-", ".", "(", ")", "+", "/", "dash", "hyphen", ",", "_"}
_TOKEN = re.compile(r"[a-z]+|\d+|[^\sa-z\d]")
_LOCAL_NUMBER = re.compile(r"(?<![\d.,$])\d{3}[\s.-]\d{4}(?![\d.,])")
_AT = re.compile(r"\s*(?:[\(\[\{<]\s*at\s*[\)\]\}>]|\bat\b|\bat sign\b)\s*")
_DOT = re.compile(r"\s*(?:[\(\[\{<]\s*dot\s*[\)\]\}>]|\bdot\b|\bperiod\b)\s*")
_EMAIL = re.compile(r"[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
_MAIL_PROVIDERS = re.compile(r"\b(?:gmail|googlemail|yahoo|hotmail|outlook|icloud|aol|protonmail|proton\.me|live\.com)\b")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]{2,}\.(?:com|net|org|io|co|us|biz|info|me|app|site|online|pro|xyz)\b"
)
_APPS = re.compile(r"\b(?:whatsapp|telegram|viber|wechat|skype)\b")

PHONE, EMAIL, WEB, APP = "a phone number", "an email address", "a web address", "a messaging app"


def _phone_runs(text: str) -> bool:
    digits, groups, previous = "", [], ""
    for token in [*_TOKEN.findall(text), "<end>"]:
        if token.isdigit() or token in _NUMBER_WORDS:
            digits += token if token.isdigit() else _NUMBER_WORDS[token]
            groups.append((previous == ",", token))
        elif token in _JOINERS:
            pass
        else:
            if _is_phone(digits, groups):
                return True
            digits, groups = "", []
        previous = token
    return False


def _is_phone(digits: str, groups: list) -> bool:
    if not (len(digits) == 10 or (len(digits) == 11 and digits.startswith("1"))):
        return False
    # "10,000 - 20,000" is money: every group after a comma has exactly three digits.
    after_commas = [token for after_comma, token in groups if after_comma]
    money = bool(after_commas) and all(token.isdigit() and len(token) == 3 for token in after_commas)
    return not money


def contact_details_in(text: str) -> list[str]:
    """The kinds of contact details found, in a fixed order; [] when there are none."""
    lowered = (text or "").lower()
    found = []
    if _phone_runs(lowered) or _LOCAL_NUMBER.search(lowered):
        found.append(PHONE)
    spelled = _DOT.sub(".", _AT.sub("@", lowered))
    if _EMAIL.search(spelled) or _MAIL_PROVIDERS.search(spelled):
        found.append(EMAIL)
    if _URL.search(_EMAIL.sub(" ", spelled)) or "www." in spelled:
        found.append(WEB)
    if _APPS.search(lowered):
        found.append(APP)
    return found


def describe(kinds: list[str]) -> str:
    """['a phone number', 'an email address'] -> 'a phone number and an email address'."""
    if len(kinds) <= 1:
        return "".join(kinds)
    return ", ".join(kinds[:-1]) + " and " + kinds[-1]
