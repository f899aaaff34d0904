from django.core.management.base import BaseCommand, CommandError

from portal.people.text_formulas import HEADING, text_formula_records


class Command(BaseCommand):
    help = (
        'List the people, posts and teams whose number or code holds a text formula (="E5") that a file reads as '
        "another record's (E5), which migration people 0010 left as they are, naming that record: no roster, "
        "completions or organisation file can match them until HR corrects one of the two. Fails (exit status 1) "
        "while any remain; run it after every migrate (docs/deploy.md). Changes nothing."
    )

    def handle(self, *args, **options):
        records = text_formula_records()
        if not records:
            self.stdout.write('No record holds a text formula (="...") a file would read as another record\'s value.')
            return
        self.stdout.write(f"{HEADING}:")
        for record in records:
            self.stdout.write(f"  {record}")
        many = len(records) != 1
        raise CommandError(
            f'{len(records)} record{"s" if many else ""} hold{"" if many else "s"} a text formula (="...") that a '
            "file reads as another record's value, so no file can match them. Which of the two a file means is HR's "
            "to say: correct the number or code of one of them, then run this again. Nothing was changed."
        )
