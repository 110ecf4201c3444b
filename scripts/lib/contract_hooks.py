"""Schemathesis hooks for scripts/contract: positive-data acceptance with documented exceptions.

Schema-valid data must be accepted, except where a row of docs/contract-exceptions.csv ("Documented
exceptions to the contract", explained in docs/contract.md) names the operation, the field and what
the server says: rules no schema can state (a reference that must exist, a rule across two fields
or across requests). The file is the only list: the docs show it and this file reads it, so the
documentation and the check cannot disagree.

Both data checks validate the request body again with `jsonschema` before judging, because
schemathesis (4.32) sometimes mislabels bodies: it calls a body with unknown keys under
`additionalProperties: false` positive (refusing it is right), and a body with every property
valid negative ("missing required property ''"; accepting it is right). The positive check
validates the header parameters too: its coverage phase sends `If-Match: 0` as positive data,
though the header's `pattern` refuses it.
"""
from __future__ import annotations

import csv
import json
import pathlib
import re

import jsonschema
import schemathesis
import yaml
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import negative_data_rejection

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())
EXCEPTIONS_FILE = ROOT / "docs" / "contract-exceptions.csv"
# Statuses a schema-valid request may get for reasons outside the request: credentials, missing
# resources, conflicts with the current state (409, and 412 for an If-Match the document moved
# past), rate limits, server trouble.
ACCEPTABLE = {401, 403, 404, 409, 412, 429}


def exception_rows() -> list[tuple[str, str, str]]:
    """(operations, field, message prefix) per row of docs/contract-exceptions.csv, as written.

    The columns are operations, field, message and why (why is for readers). The message is a
    prefix and is kept exactly, spaces included (`is ` matches "is required" but not "isn't").
    """
    with EXCEPTIONS_FILE.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != ["operations", "field", "message", "why"]:
            raise RuntimeError(f"{EXCEPTIONS_FILE}: expected the columns operations,field,message,why, not {reader.fieldnames}")
        rows = []
        for row in reader:
            if None in row or None in row.values() or not all(row[key].strip() for key in ("operations", "field", "message")):
                raise RuntimeError(f"{EXCEPTIONS_FILE}, line {reader.line_num}: every row needs an operations, a field and a message, and nothing more than a why")
            rows.append((row["operations"].strip(), row["field"].strip(), row["message"]))
    if not rows:
        raise RuntimeError(f"{EXCEPTIONS_FILE} has no rows")
    return rows


def documented_exceptions() -> list[tuple[re.Pattern, re.Pattern, str]]:
    """(operations, field, message prefix) per row of docs/contract-exceptions.csv, compiled."""
    return [(glob(operations), glob(field), message) for operations, field, message in exception_rows()]


def glob(pattern: str) -> re.Pattern:
    """`*` matches anything (including `/`, `.` and `[0]`); several patterns may be joined by `, `."""
    alternatives = [re.escape(part.strip()).replace(r"\*", ".*") for part in pattern.split(", ")]
    return re.compile("^(?:" + "|".join(alternatives) + ")$")


EXCEPTIONS = documented_exceptions()


def body_is_schema_valid(case) -> bool:
    if case.body is None or isinstance(case.body, (bytes, str)):
        return True
    for body in case.operation.body:
        if body.media_type == getattr(case, "media_type", body.media_type):
            schema = dict(body.definition["schema"], components=SPEC["components"])
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            return validator.is_valid(case.body)
    return True


def headers_are_schema_valid(case) -> bool:
    """Whether every header parameter the operation declares, as sent, is valid by its schema."""
    operation = SPEC["paths"].get(case.operation.path, {}).get(case.method.lower(), {})
    sent = {name.lower(): value for name, value in (case.headers or {}).items()}
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = SPEC["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        value = sent.get(parameter["name"].lower()) if parameter.get("in") == "header" else None
        if value is not None and not jsonschema.Draft202012Validator(parameter.get("schema", {})).is_valid(value):
            return False
    return True


def is_documented(operation: str, response) -> bool:
    # A page's form answers with the page itself, saying what to fix: a row with the field `(form)`.
    content_type = next((value for name, value in response.headers.items() if name.lower() == "content-type"), "")
    if str(content_type[0] if isinstance(content_type, list) else content_type).startswith("text/html"):
        return any(ops.match(operation) and field.match("(form)") for ops, field, _ in EXCEPTIONS)
    try:
        problem = json.loads(response.text)
    except ValueError:
        return False
    errors = problem.get("errors") or []
    return bool(errors) and all(
        any(ops.match(operation) and field.match(error.get("field", "")) and error.get("message", "").startswith(message)
            for ops, field, message in EXCEPTIONS)
        for error in errors
    )


@schemathesis.check
def positive_data_accepted_but_documented(ctx, response, case):
    """Schema-valid data is accepted, or refused only as docs/contract-exceptions.csv says."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status >= 500 or status in ACCEPTABLE:
        return None
    if not body_is_schema_valid(case) or not headers_are_schema_valid(case):
        return None
    operation = f"{case.method.upper()} {case.operation.path}"
    if is_documented(operation, response):
        return None
    raise AssertionError(
        f"Schema-valid request rejected with {status}, and no documented exception covers it "
        f"(docs/contract-exceptions.csv):\n{response.text[:600]}"
    )


@schemathesis.check
def negative_data_rejected_unless_valid(ctx, response, case):
    """Schemathesis's negative-data rejection, except for a body it called invalid that is valid."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_negative:
        negative = {location for location, info in meta.components.items() if info.mode.is_negative}
        if negative == {ParameterLocation.BODY} and body_is_schema_valid(case):
            return None
    return negative_data_rejection(ctx, response, case)
