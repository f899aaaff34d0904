from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


def unusable_password() -> str:
    """An account's password until its holder sets one: "!" and random characters, which Django, allauth and the
    roster all read as "no password yet". The field's default was "", which Django refuses at sign-in but Django and
    allauth count as a usable password: an account made with `User.objects.create(...)` (the shell, a command) got no
    "set a password" page from allauth, only a change-password page asking for a password it never had, and a
    returner's account so made got no invitation from the roster."""
    return make_password(None)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # How ModelBackend finds the person signing in, and createsuperuser looks for a duplicate: whatever the
        # capitals, as the database holds one account per address (EmailUniqueWhateverItsCase), matched on the
        # expression its unique index is on. Their roster record comes in the same statement, for the sign-in's check
        # of their leave date (portal.accounts.leavers).
        return (
            self.select_related("staff")
            .alias(sign_in_name=Lower(self.model.USERNAME_FIELD))
            .get(sign_in_name=Lower(models.Value(email)))
        )

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class EmailUniqueWhateverItsCase(models.UniqueConstraint):
    """One account per work email whatever its capitals, reported against the email, so a form (the CMS's user
    editor) shows it beside the Email box: Django puts an expression's constraint among the form's general errors."""

    def validate(self, *args, **kwargs):
        try:
            super().validate(*args, **kwargs)
        except ValidationError as error:
            raise ValidationError({"email": error}) from None


class User(AbstractUser):
    """A person who signs in. Work email is the sign-in name; profile data lives in portal.people."""

    username = None
    email = models.EmailField("work email", unique=True)
    password = models.CharField("password", max_length=128, default=unusable_password)
    first_name = models.CharField("first name", max_length=150, blank=True)
    last_name = models.CharField("last name", max_length=150, blank=True)
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised to end every session of this person at once (a role change, leaving)."
    )
    closed_by_hand = models.BooleanField(
        default=False,
        help_text="Closed by a person (the user editor, the user list's active state, a command), not by the roster "
        "at a leave date: a roster that brings them back leaves it closed. Cleared when it is opened again by hand.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            # "HR.First@..." beside "hr.first@..." was two accounts for one mailbox: the CMS saves an address as typed.
            EmailUniqueWhateverItsCase(
                Lower("email"),
                name="accounts_user_email_unique_whatever_its_case",
                violation_error_message="An account already signs in with this work email (capitals do not make it "
                "another address).",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def privileges_proven(self) -> bool:
        """Whether a privileged role (HR, CMS editor, superuser) counts for this person now. For each request,
        portal.accounts.mfa puts a check of the session in its place (did it prove a second factor?); outside a
        request (a command, a task) the role counts."""
        return True

    def second_factor_owed(self) -> bool:
        """Whether this person holds a privileged role that this session has not proved its second factor for. For
        each request, portal.accounts.mfa puts a check of the session in its place; outside a request, never."""
        return False

    def has_perm(self, perm, obj=None):
        return self.holds_perm(perm, obj) and self.privileges_proven()

    def has_module_perms(self, app_label):
        return super().has_module_perms(app_label) and self.privileges_proven()

    def holds_perm(self, perm, obj=None) -> bool:
        """The permission as granted, whether or not this session has proved the second factor it needs."""
        return super().has_perm(perm, obj)
