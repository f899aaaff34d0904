import unicodedata

from django import forms

from .certificates import ALPHABET, CODE_LENGTH


class VerificationCodeForm(forms.Form):
    """The code printed on a certificate, typed from paper: spaces and hyphens ignored, any case. Each way it cannot
    be a code gets its own message."""

    code = forms.CharField(
        label="Verification code",
        help_text=f"It is printed under the details on the certificate: {CODE_LENGTH} letters and numbers, "
        "for example ABCD EFGH JKMN.",
        error_messages={"required": "Enter the verification code printed on the certificate"},
        strip=True,
    )

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"]
        code = "".join(typed.split()).replace("-", "").upper()
        wrong = sorted({character for character in code if character not in ALPHABET})
        if wrong:
            shown = " ".join(_shown(character) for character in wrong[:5])
            raise forms.ValidationError(
                f"The code cannot contain {shown}: codes use only letters and the numbers 2 to 9, with no 0, 1, I, "
                "L or O"
            )
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(f"The code must be {CODE_LENGTH} letters and numbers; you entered {len(code)}")
        return code


def _shown(character: str) -> str:
    """A character as the message can name it: itself in quotes if it can be seen, else its Unicode name or code."""
    if character.isprintable():
        return f"“{character}”"
    return unicodedata.name(character, f"U+{ord(character):04X}").lower()
