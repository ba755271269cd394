from django.core.management.base import BaseCommand
from django.db import transaction

from claims.demo import seed_claims, seed_reference
from members.demo import seed_members
from memberships.demo import seed_membership_demo
from partners.demo import seed_partners
from provident.demo import seed_provident_demo
from units.demo import seed_desk, seed_units
from units.demo_agreements import seed_agreements


class Command(BaseCommand):
    help = "Loads the demo data (units, tariffs, members, staff). Idempotent: running it twice changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--with-claims", action="store_true",
                            help="also register a few claim files for the members with web accounts")

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        units = seed_units()
        reference = seed_reference()
        counts = seed_members()
        seed_partners()  # the CHUs under convention and a clinic without one, with their staff accounts
        seed_desk()  # slots, appointments, visits, lab orders: needs the members and staff
        seed_provident_demo()  # a retiree and a provident request in each state
        seed_membership_demo()  # membership applications in each state
        seed_agreements()  # a member's prior agreements: granted, refused, waiting (asked by a CHU)
        if options["with_claims"]:
            seed_claims()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(units)} units, {reference['acts']} acts, {counts['members']} members, "
            f"{counts['beneficiaries']} beneficiaries."
        ))
