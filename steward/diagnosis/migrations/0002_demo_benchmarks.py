"""Ship plausible peer values so a fresh install (and the demo) can compare shops at once."""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from steward.diagnosis.benchmarks import seed_benchmarks

    seed_benchmarks(apps.get_model("diagnosis", "Benchmark"))


class Migration(migrations.Migration):
    dependencies = [("diagnosis", "0001_initial")]

    # Going back leaves the rows: they may have been edited since, and 0001's reversal drops them.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
