"""Reads key=value arguments the way the C++ ports take --param key=value.

A value that looks like an int is an int ("2" prints as 2), any other number a float ("2.0" prints as
2.0), a comma-separated value a list of numbers, "none" is None, anything else stays a string.
"""
import re
import sys


def _value(text):
    if text == "none":
        return None
    if "," in text:
        return [_value(t) for t in text.split(",")]
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def params(**defaults):
    given = dict(arg.split("=", 1) for arg in sys.argv[1:])
    out = dict(defaults)
    for key, text in given.items():
        value = _value(text)
        if isinstance(defaults.get(key), list) and not isinstance(value, list):
            value = [value]
        out[key] = value
    return out
