from .import_file import Command as ImportFile


class Command(ImportFile):
    help = "Import completions from the national e-learning records (the same as import_file completions)."
    command_name = "import_completions"

    def kind_fixed(self):
        return "completions"
