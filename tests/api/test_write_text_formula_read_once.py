"""A value the API takes is read by the import as the API checked it. d3bb267 made cell_value, which the API's rows
are checked through, read a text formula ="E777" as E777; the rows are then written as a CSV that the import reads
through cell_value again, so a value sent as the text formula of ="E777" was checked as ="E777" and recorded as
E777. A client
limited to a team could so write a completion for someone outside it, where its team holds a person whose number
an import before d3bb267 kept as ="E777" and someone outside holds E777. Now the file the rows become gives back
each value as it was checked."""

from portal.compliance.models import EvidenceEntry

from .conftest import completion


def test_a_value_checked_as_a_text_formula_is_recorded_as_checked_not_read_again(api, org):
    fay, sam = org["people"]["fay"], org["people"]["sam"]  # fay in the finance client's teams, sam outside them
    fay.employee_number = '="E777"'  # as a roster import kept it before d3bb267
    fay.save(update_fields=["employee_number"])
    sam.employee_number = "E777"
    sam.save(update_fields=["employee_number"])
    row = {**completion(fay), "employee_number": '="=""E777"""'}
    response = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="k1")
    assert response.status_code == 202, response.content
    assert response.json()["import"]["status"] == "done", response.json()["import"]
    assert list(EvidenceEntry.objects.values_list("staff", flat=True)) == [fay.pk]  # not sam, outside its teams
