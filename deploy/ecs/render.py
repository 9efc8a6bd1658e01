"""Render the ECS task definition templates in this folder.

The templates use ${name} placeholders, the syntax shared by Terraform's
templatefile() (deploy/terraform/ecs.tf) and Python's string.Template, so Terraform
and the deploy pipeline produce the same task definitions from the same files.

    python deploy/ecs/render.py --config deploy-config.json \
        --image 123.dkr.ecr.us-east-1.amazonaws.com/fairtrade-production:abc123 \
        --release abc123 --out rendered/

--config is the JSON of the SSM parameter /<project>/<env>/deploy-config (Terraform
writes it); its "template_vars" object holds every value except image and release.
Writes <out>/<service>.json for web, worker, beat and migrate, ready for
`aws ecs register-task-definition --cli-input-json file://...`.
"""

import argparse
import json
import sys
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
SERVICES = ("web", "worker", "beat", "migrate")


def render(service: str, values: dict[str, str]) -> dict:
    text = (HERE / f"{service}.json").read_text()
    rendered = Template(text).substitute(values)  # KeyError on any missing value
    document = json.loads(rendered)
    if "${" in rendered:
        raise ValueError(f"{service}: unrendered placeholder left")
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="deploy-config JSON (SSM parameter value)")
    parser.add_argument("--image", required=True, help="full image URI with tag")
    parser.add_argument("--release", required=True, help="release identifier (git SHA or tag)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("services", nargs="*", default=list(SERVICES))
    args = parser.parse_args(argv)

    config = json.loads(Path(args.config).read_text())
    values = {k: str(v) for k, v in config.get("template_vars", config).items()}
    values.update(image=args.image, release=args.release)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for service in args.services:
        if service not in SERVICES:
            parser.error(f"unknown service {service!r}")
        try:
            document = render(service, values)
        except KeyError as exc:
            print(f"{service}: no value for placeholder {exc}", file=sys.stderr)
            return 1
        (out / f"{service}.json").write_text(json.dumps(document, indent=2) + "\n")
        print(f"rendered {out / f'{service}.json'} ({document['family']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
