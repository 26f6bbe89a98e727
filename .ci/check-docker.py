#!/usr/bin/env python3
"""Static check of Dockerfile and docker-compose.yml: there is no Docker engine on CI.

Checks that what the two files name exists and agrees: build context and Dockerfile, the files
the build copies (and that .dockerignore keeps; and that every file the code embeds is copied), a non-root final stage, the port the server
binds, exposes and publishes, the volume that holds the database, and a health check that runs
a real subcommand of the built binary against a documented route on that port.
"""
import json
import pathlib
import re
import subprocess
import sys
import urllib.parse

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
errors = []


def check(ok, message):
    if not ok:
        errors.append(message)


compose = yaml.safe_load((root / "docker-compose.yml").read_text())
dockerfile_text = (root / "Dockerfile").read_text()
ignored = [l.strip() for l in (root / ".dockerignore").read_text().splitlines() if l.strip()]
openapi_paths = json.loads((root / "openapi/openapi.json").read_text())["paths"]
binary = root / "target/debug/gen3-content"

# The Dockerfile: stages, copies, user, env, port.
lines = re.sub(r"\\\n", " ", dockerfile_text).splitlines()
instructions = [l.strip().split(None, 1) for l in lines if l.strip() and not l.strip().startswith("#")]
stages = [args for op, args in instructions if op.upper() == "FROM"]
check(len(stages) >= 2, "the Dockerfile is not multi-stage")
final = max(i for i, (op, _) in enumerate(instructions) if op.upper() == "FROM")
users = [args for op, args in instructions[final:] if op.upper() == "USER"]
check(users and users[-1] not in ("root", "0"), "the final stage does not switch to a non-root user")
env = {}
for op, args in instructions[final:]:
    if op.upper() == "ENV":
        env.update(dict(kv.split("=", 1) for kv in args.split()))
for op, args in instructions:
    if op.upper() == "COPY" and "--from" not in args:
        *sources, _dest = args.split()
        for source in sources:
            check((root / source).exists(), f"COPY {source}: no such path")
            check(source.strip("./") not in ignored, f"COPY {source}: excluded by .dockerignore")
# Every file the build embeds (include_str!/include_bytes! in src/) is in a copied path.
copied = [pathlib.PurePosixPath(src.strip("./") or ".")
          for op, args in instructions if op.upper() == "COPY" and "--from" not in args
          for src in args.split()[:-1]]
for rs in (root / "src").rglob("*.rs"):
    for embedded in re.findall(r'include_(?:str|bytes)!\("([^"]+)"\)', rs.read_text()):
        path = (rs.parent / embedded).resolve().relative_to(root)
        check(any(path == c or c in path.parents for c in map(pathlib.Path, copied)),
              f"{rs.relative_to(root)} embeds {path}, which the Dockerfile does not copy")
# ... and every folder build.rs embeds (the bundled site).
for embedded in re.findall(r'const BUNDLED_SITE: &str = "([^"]+)"', (root / "build.rs").read_text()):
    path = pathlib.Path(embedded)
    check((root / path).is_dir(), f"build.rs embeds {path}, which does not exist")
    check(any(path == c or c in path.parents for c in map(pathlib.Path, copied)),
          f"build.rs embeds {path}, which the Dockerfile does not copy")
rust = re.search(r"FROM rust:(\d+\.\d+)", dockerfile_text)
msrv = re.search(r'rust-version = "(\d+\.\d+)"', (root / "Cargo.toml").read_text())
check(rust and msrv and tuple(map(int, rust[1].split("."))) >= tuple(map(int, msrv[1].split("."))),
      "the build image's Rust is older than Cargo.toml's rust-version")
exposed = {args.split("/")[0] for op, args in instructions[final:] if op.upper() == "EXPOSE"}
bind_port = env.get("GEN3_CONTENT_BIND", "").rsplit(":", 1)[-1]
check(bind_port in exposed, f"the server binds port {bind_port!r} but the image exposes {exposed}")
copied_binary = next((args.split()[-1] for op, args in instructions[final:]
                      if op.upper() == "COPY" and "gen3-content" in args), None)

# The compose file.
services = compose.get("services", {})
check(services, "docker-compose.yml defines no service")
for name, service in services.items():
    build = service.get("build", {})
    context = root / build.get("context", ".")
    check((context / build.get("dockerfile", "Dockerfile")).is_file(), f"{name}: no Dockerfile in its build context")
    published = [str(p).rsplit(":", 1)[-1] for p in service.get("ports", [])]
    check(bind_port in published, f"{name}: container port {bind_port} is not published ({published})")
    environment = {**env, **service.get("environment", {})}
    database = pathlib.PurePosixPath(environment.get("GEN3_CONTENT_DATABASE", ""))
    mounts = [v.split(":") for v in service.get("volumes", [])]
    named = [(src, dst) for src, dst, *_ in mounts if not src.startswith((".", "/"))]
    check(any(pathlib.PurePosixPath(dst) == database.parent for _, dst in named),
          f"{name}: the database {database} is not on a named volume")
    for src, _ in named:
        check(src in (compose.get("volumes") or {}), f"{name}: volume {src} is not declared")
    test = service.get("healthcheck", {}).get("test", [])
    check(test[:1] == ["CMD"] and len(test) > 2, f"{name}: the health check is not an exec-form CMD")
    if len(test) > 2:
        check(test[1] == copied_binary, f"{name}: the health check runs {test[1]}, the image has {copied_binary}")
        url = next((a for a in test if a.startswith("http")), "")
        parsed = urllib.parse.urlparse(url)
        check(parsed.path in openapi_paths, f"{name}: the health check asks {parsed.path}, which the API does not serve")
        check(str(parsed.port) == bind_port, f"{name}: the health check asks port {parsed.port}, the server binds {bind_port}")
        if binary.exists():
            run = subprocess.run([str(binary), test[2], "--help"], capture_output=True)
            check(run.returncode == 0, f"{name}: `gen3-content {test[2]}` is not a subcommand")
        else:
            errors.append(f"build {binary} first: the health check's subcommand is checked against it")

for e in errors:
    print(f"docker check: {e}", file=sys.stderr)
print(f"docker check: {len(services)} service(s), {len(stages)} stages, {'FAILED' if errors else 'ok'}")
sys.exit(1 if errors else 0)
