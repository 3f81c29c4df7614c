import time

from django.core.management.base import BaseCommand, CommandError

from members.synthetic import delete_synthetic_members, generate_members


class Command(BaseCommand):
    help = (
        "Add N synthetic, published members for benchmarks (marked is_synthetic, kept apart from the "
        "demo data), or remove them all with --delete. Deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0, help="How many members to add.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random draws (default 1).")
        parser.add_argument(
            "--delete", action="store_true", help="First remove every synthetic member (and only those)."
        )

    def handle(self, *args, count, seed, delete, **options):
        if count < 0:
            raise CommandError("--count must be zero or more.")
        if not count and not delete:
            raise CommandError("Give --count N to add members, or --delete to remove synthetic ones.")
        if delete:
            started = time.perf_counter()
            deleted = delete_synthetic_members()
            self.stdout.write(
                f"Deleted {deleted} synthetic members in {time.perf_counter() - started:.1f} s."
            )
        if count:
            started = time.perf_counter()
            generate_members(count, seed=seed)
            self.stdout.write(f"Created {count} synthetic members in {time.perf_counter() - started:.1f} s.")
