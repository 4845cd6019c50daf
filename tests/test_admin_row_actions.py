"""The one building block for the actions in an admin list row's "More" menu."""

from wagtail.admin.ui.menus import MenuItem

from pathways.lms.core.admin import RowAction, RowActionsMixin


class FakeIndexView:
    """Stands in for Wagtail's IndexView: an edit button, an inspect button and a delete button."""

    inspect_url = "/inspect/1/"

    def get_inspect_url(self, instance):
        return self.inspect_url

    def get_list_more_buttons(self, instance):
        return [
            MenuItem("Edit", url="/edit/1/", icon_name="edit", priority=10),
            MenuItem("Inspect", url=self.inspect_url, icon_name="info-circle", priority=20),
            MenuItem("Delete", url="/delete/1/", icon_name="bin", priority=30),
        ]


class WithActions(RowActionsMixin, FakeIndexView):
    def row_actions(self, instance):
        yield RowAction("First", "/first/", "tasks", 5)
        yield RowAction("Second", "/second/", "repeat")
        yield RowAction("Third", "/third/", "cross")


def labels_by_priority(buttons):
    return [(str(button.label), button.priority) for button in buttons]


def test_actions_follow_wagtails_buttons_in_order_unless_given_a_priority():
    assert labels_by_priority(WithActions().get_list_more_buttons(object())) == [
        ("Edit", 10),
        ("Inspect", 20),
        ("Delete", 30),
        ("First", 5),
        ("Second", 40),
        ("Third", 50),
    ]


def test_without_wagtails_buttons_the_menu_holds_details_and_the_actions():
    class OnlyDetails(WithActions):
        keep_wagtail_buttons = False

    buttons = OnlyDetails().get_list_more_buttons(object())
    assert labels_by_priority(buttons)[0] == ("Details", 10)
    assert buttons[0].url == FakeIndexView.inspect_url
    assert [str(button.label) for button in buttons[1:]] == ["First", "Second", "Third"]


def test_without_a_record_page_there_is_no_details_button():
    class NoInspect(WithActions):
        keep_wagtail_buttons = False
        inspect_url = None

    assert [str(b.label) for b in NoInspect().get_list_more_buttons(object())] == [
        "First",
        "Second",
        "Third",
    ]
