from django.core.management.base import BaseCommand

from background.periodic import run_due_jobs


class Command(BaseCommand):
    help = (
        "Run the periodic jobs that are due (safe to run often and on several machines at "
        "once: each due job runs once)."
    )

    def handle(self, *args, **options):
        outcome = run_due_jobs()
        for name, result in outcome.items():
            self.stdout.write(f"{name}: {result}")
        if "failed" in outcome.values():
            self.stderr.write("Some periodic jobs failed: see the log.")
