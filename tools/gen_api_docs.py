#!/usr/bin/env python3
"""Generates the API reference docs/api.md from api/openapi.json.

    tools/gen_api_docs.py                 # writes docs/api.md
    tools/gen_api_docs.py --check         # exit 1 if docs/api.md is stale
    tools/gen_api_docs.py --spec X --out Y

The reference is grouped by the document's tags, in their order; each
operation shows its method and path, summary, authentication and access,
parameters, request body fields (nested members flattened as `a.b` and
`a[].b`, with type, whether required, limits and allowed values) and
responses. Webhooks and every component schema follow. The output depends
only on the document, so regenerating it is reproducible.

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import sys

HTTP_METHODS = ["get", "put", "post", "patch", "delete", "head", "options", "trace"]
MAX_DEPTH = 4  # how deep request-body tables expand referenced objects


class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.schemas = doc.get("components", {}).get("schemas", {})

    def resolve(self, node):
        """Follows local $refs; returns (node, name of the last component schema or None)."""
        name = None
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            target = node["$ref"]
            if target in seen or not target.startswith("#/"):
                break
            seen.add(target)
            if target.startswith("#/components/schemas/") and target.count("/") == 3:
                name = target.rsplit("/", 1)[1]
            cur = self.doc
            for part in target[2:].split("/"):
                cur = cur.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(cur, dict) else {}
            node = cur
        return node, name


# ---------------------------------------------------------------- text helpers


def anchor(kind, name):
    return kind + "-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def cell(text):
    """Makes text safe for one Markdown table cell."""
    if text is None:
        return ""
    text = str(text).strip()
    text = text.replace("|", "\\|")
    text = re.sub(r"\n\s*\n", "<br>", text)
    text = re.sub(r"\n\* ", "<br>• ", text)
    return text.replace("\n", " ")


def code(v):
    return "`" + (json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v) + "`"


def schema_link(name):
    return "[%s](#%s)" % (name, anchor("schema", name))


# ---------------------------------------------------------------- schema rendering


def merged(spec, schema):
    """Flattens allOf (resolving refs) into one object view.

    Returns dict with: props (ordered name -> schema), required (set), conditions
    (list of text), closed (bool: unknown members rejected), description.
    """
    out = {"props": {}, "required": set(), "conditions": [], "closed": False, "description": None}

    def visit(node, top):
        node, _ = spec.resolve(node)
        if not isinstance(node, dict):
            return
        if top and node.get("description"):
            out["description"] = node["description"]
        for k, v in node.get("properties", {}).items():
            if k not in out["props"] or not out["props"][k]:
                out["props"][k] = v
        out["required"].update(node.get("required", []))
        if node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False:
            out["closed"] = True
        if "if" in node and "then" in node:
            out["conditions"].append(condition_text(node["if"], node["then"]))
        for sub in node.get("allOf", []):
            visit(sub, False)

    visit(schema, True)
    return out


def condition_text(if_schema, then_schema):
    parts = []
    for name, s in if_schema.get("properties", {}).items():
        if "const" in s:
            parts.append("`%s` is %s" % (name, code(s["const"])))
        elif "enum" in s:
            parts.append("`%s` is %s" % (name, " or ".join(code(v) for v in s["enum"])))
    req = ", ".join("`%s`" % r for r in then_schema.get("required", []))
    return "When %s: %s required." % (" and ".join(parts) or "applicable", req)


def is_object(spec, schema):
    node, _ = spec.resolve(schema)
    if not isinstance(node, dict):
        return False
    if isinstance(node.get("additionalProperties"), dict) and not node.get("properties"):
        return False  # a map
    return (node.get("type") == "object" and "properties" in node) or "allOf" in node


def type_text(spec, schema, link_refs=True):
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        node, name = spec.resolve(schema)
        if name and link_refs:
            return schema_link(name)
        return type_text(spec, node, link_refs)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " or ".join(type_text(spec, s, link_refs) for s in schema[key])
    if "allOf" in schema:
        names = [spec.resolve(s)[1] for s in schema["allOf"]]
        named = [n for n in names if n]
        return " + ".join(schema_link(n) for n in named) if named and link_refs else "object"
    t = schema.get("type")
    if isinstance(t, list):
        return " or ".join(t)
    if t == "array":
        return "array of " + type_text(spec, schema.get("items", {}), link_refs)
    if t == "object" and isinstance(schema.get("additionalProperties"), dict):
        return "map of " + type_text(spec, schema["additionalProperties"], link_refs)
    if t == "string" and schema.get("format"):
        return "string (%s)" % schema["format"]
    if t == "integer" and schema.get("format"):
        return "integer"
    if t is None and "contentMediaType" in schema:
        return schema["contentMediaType"]
    return t or "any"


def limits_text(schema):
    if not isinstance(schema, dict):
        return ""
    out = []
    lo, hi = schema.get("minLength"), schema.get("maxLength")
    if lo is not None and hi is not None:
        out.append("%d–%d bytes" % (lo, hi) if lo != hi else "exactly %d bytes" % lo)
    elif hi is not None:
        out.append("≤ %d bytes" % hi)
    elif lo is not None:
        out.append("≥ %d bytes" % lo)
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if lo is not None and hi is not None:
        out.append("%s–%s" % (lo, hi))
    elif lo is not None:
        out.append("≥ %s" % lo)
    elif hi is not None:
        out.append("≤ %s" % hi)
    lo, hi = schema.get("minItems"), schema.get("maxItems")
    if lo is not None and hi is not None:
        out.append("%d–%d items" % (lo, hi))
    elif hi is not None:
        out.append("≤ %d items" % hi)
    elif lo is not None:
        out.append("≥ %d items" % lo)
    pattern = schema.get("pattern")
    if pattern and pattern != "\\S":
        out.append("pattern `%s`" % pattern)
    elif pattern == "\\S":
        out.append("not blank")
    if "enum" in schema:
        out.append("one of " + ", ".join(code(v) if v != "" else '`""`' for v in schema["enum"]))
    if "const" in schema:
        out.append("always " + code(schema["const"]))
    if "default" in schema:
        out.append("default " + code(schema["default"]))
    items = schema.get("items")
    if isinstance(items, dict) and schema.get("type") == "array":
        inner = limits_text(items)
        if inner:
            out.append("each: " + inner)
    return "; ".join(out)


def description_of(spec, schema):
    if not isinstance(schema, dict):
        return ""
    if schema.get("description"):
        return schema["description"]
    node, _ = spec.resolve(schema)
    if isinstance(node, dict) and node is not schema and "$ref" in schema:
        return ""  # a linked schema describes itself in the Schemas section
    return node.get("description", "") if isinstance(node, dict) else ""


def field_rows(spec, schema, prefix="", expand_refs=True, depth=0, seen=None):
    """Rows (name, type, required, limits, description) for an object schema's members."""
    seen = set(seen or ())
    view = merged(spec, schema)
    rows = []
    for name, prop in view["props"].items():
        full = prefix + name
        node, ref_name = spec.resolve(prop)
        if not isinstance(node, dict):
            node = {}
        expand = (expand_refs or not ref_name) and depth < MAX_DEPTH and ref_name not in seen
        # Arrays: describe the array, then its items' members as name[].member.
        items = node.get("items") if node.get("type") == "array" else None
        item_node, item_ref = spec.resolve(items) if isinstance(items, dict) else (None, None)
        t = type_text(spec, prop, link_refs=not (expand and is_object(spec, prop)))
        if items is not None and expand_refs and item_ref and is_object(spec, items):
            t = "array of objects"
        elif items is not None and not expand_refs and item_ref is None and is_object(spec, items):
            t = "array of objects"
        lim = limits_text(node if "$ref" in prop else prop)
        desc = prop.get("description") or (node.get("description", "") if not ref_name or expand else "")
        rows.append((full, t, name in view["required"], lim, desc))
        next_seen = seen | ({ref_name} if ref_name else set())
        if expand and is_object(spec, prop) and not isinstance(node.get("additionalProperties"), dict):
            rows.extend(field_rows(spec, prop, full + ".", expand_refs, depth + 1, next_seen))
        if isinstance(items, dict) and is_object(spec, items):
            if (expand_refs or not item_ref) and depth < MAX_DEPTH and item_ref not in seen:
                rows.extend(field_rows(spec, items, full + "[].", expand_refs, depth + 1,
                                       next_seen | ({item_ref} if item_ref else set())))
        for alt in node.get("oneOf", []):
            alt_ref = spec.resolve(alt)[1]
            if is_object(spec, alt) and (expand_refs or not alt_ref) and depth < MAX_DEPTH:
                rows.extend(field_rows(spec, alt, full + ".", expand_refs, depth + 1, next_seen))
    return rows


def fields_table(spec, schema, expand_refs):
    rows = field_rows(spec, schema, expand_refs=expand_refs)
    view = merged(spec, schema)
    lines = []
    if rows:
        lines.append("| Field | Type | Required | Limits and values | Description |")
        lines.append("| --- | --- | --- | --- | --- |")
        for name, t, req, lim, desc in rows:
            lines.append("| `%s` | %s | %s | %s | %s |"
                         % (name, cell(t), "yes" if req else "", cell(lim), cell(desc)))
    for c in view["conditions"]:
        lines.append("")
        lines.append("- " + c)
    return lines


# ---------------------------------------------------------------- operations


def auth_text(spec, security):
    if security is None:
        security = spec.doc.get("security", [])
    if not security:
        return "none (open)"
    alts = []
    names = {"bearerApiKey": "API key (`Authorization: Bearer cf_…`)",
             "sessionCookie": "session cookie `cf_session`",
             "csrfToken": "`X-CSRF-Token`"}
    for req in security:
        parts = [names.get(k, "`%s`" % k) for k in req]
        alts.append(" + ".join(parts) if parts else "none")
    return " or ".join(alts)


def param_rows(spec, params):
    lines = ["| Name | In | Type | Required | Limits and values | Description |",
             "| --- | --- | --- | --- | --- | --- |"]
    for p in params:
        p, _ = spec.resolve(p)
        schema = p.get("schema", {})
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % (
            p.get("name"), p.get("in"), cell(type_text(spec, schema)),
            "yes" if p.get("required") else "", cell(limits_text(schema)),
            cell(p.get("description", ""))))
    return lines


def body_lines(spec, body):
    body, _ = spec.resolve(body)
    lines = []
    intro = "**Request body**" + (" (required)" if body.get("required") else " (optional)")
    if body.get("description"):
        intro += ": " + body["description"]
    lines.append(intro)
    lines.append("")
    for media, content in body.get("content", {}).items():
        schema = content.get("schema", {})
        node, name = spec.resolve(schema)
        line_schema = node.get("x-line-schema") if isinstance(node, dict) else None
        label = "`%s`" % media
        if line_schema:
            _, line_name = spec.resolve(line_schema)
            lines.append("%s — one %s per line:" % (label, schema_link(line_name) if line_name else "object"))
            lines.append("")
            lines.extend(fields_table(spec, line_schema, expand_refs=True))
        elif is_object(spec, schema):
            lines.append("%s — %s:" % (label, schema_link(name) if name else "object"))
            desc = description_of(spec, node)
            if desc:
                lines.append("")
                lines.append(desc)
            lines.append("")
            lines.extend(fields_table(spec, schema, expand_refs=True))
        else:
            lines.append("%s — %s" % (label, type_text(spec, schema)))
        lines.append("")
    return lines


def response_lines(spec, responses):
    lines = ["| Status | Meaning | Body |", "| --- | --- | --- |"]
    for status, r in responses.items():
        r, _ = spec.resolve(r)
        bodies = []
        for media, content in r.get("content", {}).items():
            bodies.append("%s `%s`" % (type_text(spec, content.get("schema", {})), media))
        desc = r.get("description", "")
        headers = r.get("headers", {})
        if headers:
            desc += " Headers: " + ", ".join("`%s`" % h for h in headers) + "."
        lines.append("| %s | %s | %s |" % (status, cell(desc), cell("; ".join(bodies))))
    return lines


def operation_lines(spec, method, path, op):
    lines = []
    lines.append('<a id="%s"></a>' % anchor("op", op.get("operationId", method + path)))
    lines.append("### %s" % op.get("summary", method.upper() + " " + path))
    lines.append("")
    lines.append("`%s %s`" % (method.upper(), path))
    lines.append("")
    if op.get("description"):
        lines.append(op["description"])
        lines.append("")
    lines.append("- **Authentication:** " + auth_text(spec, op.get("security")))
    if op.get("x-access"):
        lines.append("- **Access:** " + op["x-access"])
    lines.append("")
    params = op.get("parameters", [])
    if params:
        lines.append("**Parameters**")
        lines.append("")
        lines.extend(param_rows(spec, params))
        lines.append("")
    if "requestBody" in op:
        lines.extend(body_lines(spec, op["requestBody"]))
    lines.append("**Responses**")
    lines.append("")
    lines.extend(response_lines(spec, op.get("responses", {})))
    lines.append("")
    return lines


# ---------------------------------------------------------------- document


def render(doc):
    spec = Spec(doc)
    info = doc.get("info", {})
    out = []
    out.append("# %s reference" % info.get("title", "API"))
    out.append("")
    out.append("<!-- Generated from api/openapi.json by tools/gen_api_docs.py; do not edit. -->")
    out.append("")
    out.append("Version %s, OpenAPI %s. The document itself is served at `GET /v1/openapi.json`."
               % (info.get("version", "?"), doc.get("openapi", "?")))
    out.append("")
    if info.get("summary"):
        out.append(info["summary"])
        out.append("")
    if info.get("description"):
        out.append(info["description"])
        out.append("")

    # Operations grouped by tag, tags in the document's order.
    ops_by_tag = {}
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["Other"])[0]
                ops_by_tag.setdefault(tag, []).append((method, path, op))
    tag_order = [t["name"] for t in doc.get("tags", [])]
    tag_order += sorted(t for t in ops_by_tag if t not in tag_order)
    tag_desc = {t["name"]: t.get("description", "") for t in doc.get("tags", [])}

    out.append("## Contents")
    out.append("")
    for tag in tag_order:
        if tag not in ops_by_tag:
            continue
        out.append("- [%s](#%s)" % (tag, anchor("tag", tag)))
        for method, path, op in ops_by_tag[tag]:
            out.append("  - [`%s %s`](#%s) — %s" % (method.upper(), path,
                                                   anchor("op", op.get("operationId", method + path)),
                                                   op.get("summary", "")))
    if doc.get("webhooks"):
        out.append("- [Webhooks](#webhooks)")
    out.append("- [Authentication schemes](#authentication-schemes)")
    out.append("- [Errors](#errors)")
    out.append("- [Schemas](#schemas)")
    out.append("")

    for tag in tag_order:
        if tag not in ops_by_tag:
            continue
        out.append('<a id="%s"></a>' % anchor("tag", tag))
        out.append("## %s" % tag)
        out.append("")
        if tag_desc.get(tag):
            out.append(tag_desc[tag])
            out.append("")
        for method, path, op in ops_by_tag[tag]:
            out.extend(operation_lines(spec, method, path, op))

    if doc.get("webhooks"):
        out.append('<a id="webhooks"></a>')
        out.append("## Webhooks")
        out.append("")
        for name, item in doc["webhooks"].items():
            for method in HTTP_METHODS:
                if method in item:
                    op = dict(item[method])
                    op["security"] = op.get("security", [])
                    lines = operation_lines(spec, method, "<your endpoint URL>", op)
                    lines = [l for l in lines if not l.startswith("- **Authentication:**")]
                    out.extend(lines)

    out.append('<a id="authentication-schemes"></a>')
    out.append("## Authentication schemes")
    out.append("")
    out.append("| Name | Kind | Where | Description |")
    out.append("| --- | --- | --- | --- |")
    for name, sch in doc.get("components", {}).get("securitySchemes", {}).items():
        if sch.get("type") == "http":
            where = "`Authorization: %s …`" % sch.get("scheme", "").capitalize()
        else:
            where = "%s `%s`" % (sch.get("in", ""), sch.get("name", ""))
        out.append("| `%s` | %s | %s | %s |" % (name, sch.get("type"), where,
                                               cell(sch.get("description", ""))))
    out.append("")

    out.append('<a id="errors"></a>')
    out.append("## Errors")
    out.append("")
    responses = doc.get("components", {}).get("responses", {})
    if responses:
        out.append("| Response | Meaning |")
        out.append("| --- | --- |")
        for name, r in responses.items():
            out.append("| %s | %s |" % (name, cell(r.get("description", ""))))
        out.append("")
    if "Problem" in spec.schemas:
        out.append("Every error body is a %s." % schema_link("Problem"))
        out.append("")

    out.append('<a id="schemas"></a>')
    out.append("## Schemas")
    out.append("")
    for name in sorted(spec.schemas):
        schema = spec.schemas[name]
        out.append('<a id="%s"></a>' % anchor("schema", name))
        out.append("### %s" % name)
        out.append("")
        view = merged(spec, schema)
        desc = schema.get("description") or view["description"]
        if desc:
            out.append(desc)
            out.append("")
        bases = [spec.resolve(s)[1] for s in schema.get("allOf", []) if "$ref" in s]
        if bases:
            out.append("Includes the members of " + ", ".join(schema_link(b) for b in bases) + ".")
            out.append("")
        if is_object(spec, schema):
            table = fields_table(spec, schema, expand_refs=False)
            if table:
                out.extend(table)
                out.append("")
        else:
            out.append("Type: %s." % type_text(spec, schema))
            lim = limits_text(schema)
            if lim:
                out.append("Values: %s." % lim)
            out.append("")
    # An anchor gets a line of its own, so the heading after it stays a heading.
    out = [l + "\n" if l.startswith('<a id="') else l for l in out]
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"
    return text


def main(argv):
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=os.path.join(root, "api", "openapi.json"))
    ap.add_argument("--out", default=os.path.join(root, "docs", "api.md"))
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if the output file differs from what would be generated")
    args = ap.parse_args(argv[1:])
    with open(args.spec, encoding="utf-8") as f:
        doc = json.load(f)
    text = render(doc)
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print("%s is out of date; run tools/gen_api_docs.py" % args.out)
            return 1
        return 0
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s (%d lines)" % (args.out, text.count("\n")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
