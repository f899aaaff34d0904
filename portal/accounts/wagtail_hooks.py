from django.contrib.auth import get_user_model
from wagtail import hooks


@hooks.register("before_bulk_action")
def accounts_closed_or_opened_one_at_a_time(request, action_type, objects, action_class_instance):
    """The user list's "Set active state" writes every account chosen with one UPDATE, which no receiver sees: the
    change would not be audited, would end no session and would not mark the accounts closed by hand (so a roster
    bringing the person back would open one again). Each account whose state changes is saved first, as the user
    editor saves it (`receivers.on_account_saved`); Wagtail's UPDATE that follows then changes nothing."""
    if action_type != "set_active_state" or getattr(action_class_instance, "model", None) is not get_user_model():
        return
    active = action_class_instance.cleaned_form.cleaned_data["mark_as_active"]
    for user in objects:
        if user.is_active != active:
            user.is_active = active
            user.save(update_fields=["is_active", "closed_by_hand", "session_epoch"])
