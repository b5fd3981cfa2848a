"""What keeps a city's catalog small in memory changes nothing a model says or serializes."""
from __future__ import annotations

import pickle

from conftest import ROOT
from powers import validate
from powers.catalog import catalog_json, load_catalog
from powers.models import Catalog, Power, Provenance, share_strings


def _power(**kw) -> Power:
    return Power(name="测试许可", category="行政许可", provenance=Provenance(file="a.xlsx", sheet="职权目录", row=2), **kw)


def test_models_given_the_same_fields_share_one_fields_set_and_stay_right():
    a, b = _power(unit="审批科"), _power(unit="执法科")
    assert a.__pydantic_fields_set__ is b.__pydantic_fields_set__  # one set, not one per model
    assert a.unit == "审批科" and b.unit == "执法科" and a != b
    c = a.model_copy(update={"unit": "执法科"})
    assert c == b and a.unit == "审批科"  # a copy with an update is its own model
    assert c.__pydantic_fields_set__ is b.__pydantic_fields_set__  # and shares the set of its fields
    a.note = "改"  # assignment still works, and the other model keeps its value
    assert a.note == "改" and b.note is None
    for m in (a, b, c):
        back = pickle.loads(pickle.dumps(m))
        assert back == m and back.model_dump_json() == m.model_dump_json()
    # which fields were given stays true for each model: a's assignment changed no shared set
    assert a.model_fields_set == {"name", "category", "provenance", "unit", "note"}
    assert b.model_fields_set == c.model_fields_set == {"name", "category", "provenance", "unit"}
    assert _power().model_fields_set == {"name", "category", "provenance"}
    assert pickle.loads(pickle.dumps(b)).__pydantic_fields_set__ is b.__pydantic_fields_set__


def test_share_strings_keeps_every_value_and_makes_copies_one_object():
    text = "".join(["因不履行或不正确履行行政职责"] * 3)
    p, q = _power(accountability=text[:]), _power(accountability="".join(["因不履行或不正确履行行政职责"] * 3))
    assert p.accountability is not q.accountability
    cat = Catalog.model_validate({"departments": [{"name": "测试局", "number": "07", "region_code": "370200",
                                                   "credit_code": "x", "level": 3, "file": "a.xlsx",
                                                   "powers": [p.model_dump(), q.model_dump()]}]})
    before = cat.model_dump_json()
    share_strings(cat, {})
    assert cat.model_dump_json() == before
    one, two = cat.departments[0].powers
    assert one.accountability is two.accountability
    assert one.provenance.file is two.provenance.file


def test_validated_departments_share_their_repeated_texts(tmp_path):
    """After validation each department holds one object per distinct text (they repeat row after
    row), and its catalog is the same as one made from a JSON round trip."""
    r = validate([ROOT / "inventories"], jobs=2)
    for d in r.departments:
        texts: dict[str, set[int]] = {}
        for p in d.all_powers():
            for v in (p.responsibilities, p.accountability, p.provenance.file, p.provenance.sheet):
                if v is not None:
                    texts.setdefault(v, set()).add(id(v))
        assert texts and all(len(ids) == 1 for ids in texts.values()), d.name
    cat = Catalog(departments=r.departments)
    (tmp_path / "catalog.json").write_text(catalog_json(cat), "utf-8")
    assert catalog_json(load_catalog(tmp_path / "catalog.json")) == catalog_json(cat)


def test_public_view_made_in_place_is_the_same_view(tmp_path):
    """The build makes the public view of the catalog itself (it lets the whole catalog go): the
    same public catalog and withheld codes and names as the view made of copies, which leaves the
    catalog as it was."""
    from powers import build_catalog, site
    from powers.codes import CodeRegistry

    with CodeRegistry(tmp_path / "codes.sqlite") as reg:
        catalog, _ = build_catalog(validate([ROOT / "inventories"], jobs=1), reg)
    before = catalog.model_dump_json()
    copied = site.public_view(catalog)
    assert catalog.model_dump_json() == before
    assert copied.withheld_codes and copied.withheld_names  # the inventories have internal items
    in_place = site.public_view(catalog, in_place=True)
    assert in_place.catalog is catalog
    assert in_place.catalog.model_dump_json() == copied.catalog.model_dump_json()
    assert (in_place.withheld_codes, in_place.withheld_names) == (copied.withheld_codes, copied.withheld_names)
