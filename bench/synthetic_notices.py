"""Writes a synthetic archive of valid notices, for measuring load time and serving cost."""

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

SOURCES = ["wilma", "adfs", "entra-id", "google", "opinsys"]
INTERFACES = ["prod-oidc", "prod-saml", "test-oidc", "test-saml", "production", "test"]
BODY = """<!-- fi -->
## Mitä muuttuu

| Attribuutti | Muutos |
|---|---|
| `urn:mpass.id:role` | Organisaation OID nimen tilalle |
| `urn:mpass.id:schoolInfo` | Uusi |

```json
{{"urn:mpass.id:role": ["1.2.246.562.10.{n};99904;8A;Oppilas"]}}
```

- Lisätietoja: mpass@oph.fi

<!-- sv -->
## Vad ändras

| Attribut | Ändring |
|---|---|
| `urn:mpass.id:role` | Organisationens OID i stället för namnet |
| `urn:mpass.id:schoolInfo` | Nytt |

```json
{{"urn:mpass.id:role": ["1.2.246.562.10.{n};99904;8A;Oppilas"]}}
```
"""


def _incident(n: int, start: datetime, rng: random.Random) -> str:
    end = start + timedelta(minutes=rng.randint(10, 600))
    middle = start + (end - start) / 2
    return f"""---
id: synthetic-{n}
type: incident
severity: {rng.choice(["down", "disrupted", "notice"])}
affected: [{rng.choice(SOURCES + INTERFACES)}]
start: {start:%Y-%m-%d %H:%M}
end: {end:%Y-%m-%d %H:%M}
title:
  fi: Häiriö numero {n} kirjautumisessa
  sv: Störning nummer {n} i inloggningen
summary:
  fi: Kirjautuminen ei onnistunut kaikilla käyttäjillä. Häiriö on ohi.
  sv: Inloggningen lyckades inte för alla användare. Störningen är över.
updates:
  - time: {end:%Y-%m-%d %H:%M}
    stage: resolved
    fi: Häiriö on korjattu, ja kirjautuminen toimii taas.
    sv: Störningen är åtgärdad och inloggningen fungerar igen.
  - time: {middle:%Y-%m-%d %H:%M}
    stage: identified
    fi: Vian syy on löydetty, ja korjaus on työn alla.
    sv: Orsaken har hittats och felet håller på att åtgärdas.
  - time: {start:%Y-%m-%d %H:%M}
    stage: investigating
    fi: Selvitämme häiriötä.
    sv: Vi utreder störningen.
---
"""


def _change(n: int, start: datetime, rng: random.Random) -> str:
    return f"""---
id: synthetic-{n}
type: change
affected: [{rng.choice(INTERFACES)}]
start: {start:%Y-%m-%d}
title:
  fi: Muutostiedote {n}
  sv: Ändringsmeddelande {n}
summary:
  fi: Tietomalliin tulee muutoksia, jotka koskevat palveluntarjoajia.
  sv: Datamodellen ändras på ett sätt som berör tjänsteleverantörerna.
---
{BODY.format(n=n)}"""


def _maintenance(n: int, start: datetime, rng: random.Random) -> str:
    announced = start - timedelta(days=7)
    return f"""---
id: synthetic-{n}
type: maintenance
severity: down
affected: [production]
start: {start:%Y-%m-%d %H:%M}
end: {start + timedelta(hours=2):%Y-%m-%d %H:%M}
title:
  fi: Huoltokatko {n}
  sv: Underhållsavbrott {n}
summary:
  fi: Tuotantoympäristö on huollon vuoksi poissa käytöstä kaksi tuntia.
  sv: Produktionsmiljön är ur bruk i två timmar på grund av underhåll.
updates:
  - time: {announced:%Y-%m-%d %H:%M}
    stage: scheduled
    fi: Huoltokatko on suunniteltu.
    sv: Underhållsavbrottet är planerat.
---
"""


def write_archive(folder: Path, count: int, seed: int = 2019) -> list[str]:
    """Writes count notices into folder; returns their slugs, newest last."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    slugs = []
    # Spread the notices over the past years, as a long-lived service accumulates them.
    base = datetime(2026, 11, 1, 8, 0)
    for n in range(count):
        start = base - timedelta(hours=6 * (count - n) + rng.randint(0, 5))
        # Keep clear of the night hours that daylight-saving changes skip or repeat.
        start = start.replace(hour=6 + start.hour % 8)
        kind = rng.random()
        writer = _incident if kind < 0.65 else _maintenance if kind < 0.85 else _change
        slug = f"{start:%Y-%m-%d}-synteettinen-{n}"
        if writer is _maintenance:
            slug = f"{start - timedelta(days=7):%Y-%m-%d}-synteettinen-{n}"
        (folder / f"{slug}.md").write_text(writer(n, start, rng), encoding="utf-8")
        slugs.append(slug)
    return slugs


if __name__ == "__main__":
    write_archive(Path(sys.argv[1]), int(sys.argv[2]))
