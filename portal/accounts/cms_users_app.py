"""Wagtail's users app, with the group editor of portal.accounts.cms_groups and the user editor and new-user form of
portal.accounts.cms_users (Wagtail's documented way to swap them).

Only the app's configuration: INSTALLED_APPS imports this module before models can be, so the viewset is named by
its path and imported when the admin's URLs are built."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    group_viewset = "portal.accounts.cms_groups.GroupViewSet"
    user_viewset = "portal.accounts.cms_users.UserViewSet"
