#!/usr/bin/env python3
"""Checks api/openapi.json against the routes src/api/api.cc registers.

    tools/check_openapi_routes.py [SOURCE_DIR]

Exits 0 when the document is sound and describes exactly the routes the
server serves, 1 otherwise, printing every difference. Checked:
  * the document is valid JSON and an OpenAPI 3.1 object with `paths`;
  * it does not contain `)OPENAPI_JSON"`, which would end the raw string
    literal it is compiled into (src/api/openapi.cc.in), and, while that file
    initialises a `constexpr std::string_view` from the literal (whose length
    the compiler then counts in a constexpr loop), it is shorter than GCC's
    default -fconstexpr-loop-limit of 262144;
  * the set of (method, path) in `paths` equals the set of
    Add("METHOD", "/path", …) and AddOpen("METHOD", "/path", …) calls in
    src/api/api.cc;
  * each operation declares exactly the path parameters its path names;
  * every authenticated POST (Add, not AddOpen) takes the Idempotency-Key
    header, as the middleware in api.cc honours it on all of them;
  * every local "$ref" resolves.

Standard library only, so it runs wherever CTest does.
"""

import json
import os
import re
import sys

ROUTE_RE = re.compile(r'\b(Add|AddOpen)\(\s*"([A-Z]+)"\s*,\s*"(/[^"]*)"')
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
RAW_STRING_END = ')OPENAPI_JSON"'
GCC_CONSTEXPR_LOOP_LIMIT = 262144


def registered_routes(api_cc):
    """{(METHOD, path): "Add" | "AddOpen"} from the source, comments skipped."""
    with open(api_cc, encoding="utf-8") as f:
        text = f.read()
    # Drop // comments so an example in a comment does not count as a route.
    text = re.sub(r"//[^\n]*", "", text)
    routes = {}
    for kind, method, path in ROUTE_RE.findall(text):
        routes[(method, path)] = kind
    return routes


def resolve(doc, pointer):
    node = doc
    for part in pointer.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def walk_refs(node, where, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.append((v, where))
            else:
                walk_refs(v, where + "/" + str(k), out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_refs(v, where + "/" + str(i), out)


def param_of(doc, p):
    if "$ref" in p:
        return resolve(doc, p["$ref"]) or {}
    return p


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    api_cc = os.path.join(root, "src", "api", "api.cc")
    doc_path = os.path.join(root, "api", "openapi.json")
    problems = []

    with open(doc_path, encoding="utf-8") as f:
        text = f.read()
    if RAW_STRING_END in text:
        problems.append("api/openapi.json contains %r, which ends the raw string literal of "
                        "src/api/openapi.cc.in" % RAW_STRING_END)
    template = os.path.join(root, "src", "api", "openapi.cc.in")
    if os.path.exists(template):
        with open(template, encoding="utf-8") as f:
            counts_in_constexpr = re.search(r"constexpr\s+std::string_view", f.read()) is not None
        size = len(text.encode("utf-8"))
        if counts_in_constexpr and size >= GCC_CONSTEXPR_LOOP_LIMIT:
            problems.append(
                "api/openapi.json is %d bytes: src/api/openapi.cc.in measures it in a constexpr "
                "loop, which GCC stops at %d iterations; shorten the document or build the "
                "string_view from sizeof of a char array" % (size, GCC_CONSTEXPR_LOOP_LIMIT))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        print("api/openapi.json is not valid JSON: %s" % e)
        return 1
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1"):
        problems.append("api/openapi.json is not an OpenAPI 3.1 document")
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        print("api/openapi.json has no paths object")
        return 1

    routes = registered_routes(api_cc)
    if not routes:
        problems.append("found no Add(\"METHOD\", \"/path\", …) calls in %s" % api_cc)
    documented = {}
    for path, item in paths.items():
        for method, operation in item.items():
            if method in METHODS:
                documented[(method.upper(), path)] = operation

    for key in sorted(set(routes) - set(documented), key=lambda k: (k[1], k[0])):
        problems.append("served but not documented: %s %s" % key)
    for key in sorted(set(documented) - set(routes), key=lambda k: (k[1], k[0])):
        problems.append("documented but not served: %s %s" % key)

    for (method, path), operation in sorted(documented.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        params = [param_of(doc, p) for p in paths[path].get("parameters", [])]
        params += [param_of(doc, p) for p in operation.get("parameters", [])]
        named = set(re.findall(r"\{([^}]+)\}", path))
        declared = {p.get("name") for p in params if p.get("in") == "path"}
        if named != declared:
            problems.append("%s %s: path parameters declared %s, path names %s"
                            % (method, path, sorted(declared), sorted(named)))
        if method == "POST" and routes.get((method, path)) == "Add":
            headers = {str(p.get("name", "")).lower() for p in params if p.get("in") == "header"}
            if "idempotency-key" not in headers:
                problems.append("%s %s: no Idempotency-Key header parameter" % (method, path))

    refs = []
    walk_refs(doc, "#", refs)
    for target, where in refs:
        if not target.startswith("#/"):
            continue
        if resolve(doc, target) is None:
            problems.append("unresolved $ref %s at %s" % (target, where))

    if problems:
        print("api/openapi.json does not match src/api/api.cc:")
        for p in problems:
            print("  " + p)
        return 1
    print("api/openapi.json: %d operations, matching the %d routes of src/api/api.cc"
          % (len(documented), len(routes)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
