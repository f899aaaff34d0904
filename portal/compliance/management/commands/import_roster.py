from .import_file import Command as ImportFile


class Command(ImportFile):
    help = "Import an ESR-shaped roster CSV (the same as import_file roster). Dry run by default; --apply applies it."
    command_name = "import_roster"

    def kind_fixed(self):
        return "roster"
