"""A JSON catalog in the national shape (授权部门, 职权编码, 事项名称, 事项类型, 依据, 实施层级): a
list of items, possibly inside {"data": …}, many departments in one file."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .. import normalize
from .common import (_CLOSED, ColumnMap, DepartmentDraft, ImportError_, ImportResult, NothingToImport, Options,
                     SourceRow, _basic_code, _category_value, _closed_value, _finish_listed,
                     _internal_hint, _long, _new_department, _one_line, level_number)


_JSON_KEYS = {
    "部门名称": ("授权部门", "部门名称", "实施主体", "实施机关", "部门", "deptName"),
    "基本编码": ("职权编码", "基本编码", "事项编码", "实施编码", "权力编码", "编码", "code"),
    "职权名称": ("事项名称", "职权名称", "权力名称", "主项名称", "name"),
    "子项名称": ("子项名称", "子项"),
    "职权类别": ("事项类型", "职权类别", "权力类型", "类型", "type"),
    "实施依据": ("依据", "设定依据", "实施依据", "法律依据"),
    "行使层级": ("实施层级", "行使层级", "层级"),
    "承办机构": ("承办机构", "实施机构", "承办科室", "内设机构"),
    "公开范围": ("公开范围", "公开属性", "是否公开", "公开方式", "公开类型", "isPublic", "scope"),
    "状态": ("状态", "事项状态", "职权状态", "status"),
    "事项来源": ("事项来源", "来源"),
    "法定时限": ("法定时限", "法定办结时限"),
    "承诺时限": ("承诺时限", "承诺办结时限"),
    "收费依据及标准": ("收费依据及标准", "收费标准", "是否收费"),
    "办理条件": ("办理条件", "受理条件"),
    "数量限制": ("数量限制",),
    "申请材料": ("申请材料",),
    "责任事项": ("责任事项",),
    "追责情形": ("追责情形",),
    "备注": ("备注",),
}


_LIST_KEYS = ("data", "items", "list", "records", "rows", "result", "departments", "depts", "children",
              "事项", "事项列表", "事项清单", "权力事项")
# the keys of an item's own fields: a list of objects under one of them (依据: [{"name": "《…》", …}],
# 申请材料: [{"材料名称": …}]) is that field's value, never a list of items
_ITEM_NAME_KEYS = tuple(k for k in _JSON_KEYS["职权名称"] if k != "name")  # `name` names departments too
_FIELD_KEYS = frozenset(k for keys in _JSON_KEYS.values() for k in keys) - set(_LIST_KEYS)


def _json_items(data, depth: int = 0) -> list:
    """The items of a catalog: a list, or the list inside {"data": …} (also {"data": {"list": …}});
    a department object holding its own list of items passes its 授权部门 on to them. An item is
    only an object that is not nested inside another item's field: the objects of
    "依据": [{"name": "《统计法》", "tk": "第三十五条"}] are a basis, though `name` names items too."""
    if isinstance(data, dict) and depth < 4:
        empty = None
        for k in (*_LIST_KEYS, *data):
            v = data.get(k)
            if isinstance(v, (list, dict)) and v and (k in _LIST_KEYS or k not in _FIELD_KEYS and isinstance(
                    v, list) and all(isinstance(x, dict) for x in v)):
                try:
                    return _json_items(v, depth + 1)
                except NothingToImport as e:
                    empty = e
                except ImportError_:
                    continue
        if empty is None and (k := next((k for k in _LIST_KEYS if data.get(k) in ([], {})), None)):
            empty = NothingToImport(f"没有可导入的事项：JSON 中的“{k}”为空", f"nothing to import: '{k}' is empty")
        if empty is not None:
            raise empty
        raise ImportError_("JSON 中找不到事项列表（应为列表，或含 data 列表的对象）",
                           "no list of items in the JSON (a list, or an object holding a data list)")
    if isinstance(data, list):
        out = []
        for x in data:
            nested = None
            # a department holding its items; an object named as an item (事项名称 …) is an item,
            # whatever lists of objects it holds (附件: [{"name": …}])
            if isinstance(x, dict) and depth < 4 and not any(x.get(k) for k in _ITEM_NAME_KEYS):
                nested = next((v for k, v in x.items() if k not in _FIELD_KEYS and isinstance(v, list) and v and
                               all(isinstance(y, dict) for y in v) and
                               any(n in y for y in v for n in _JSON_KEYS["职权名称"])), None)
            if nested is None:
                out.append(x)
                continue
            dept = next((x[k] for k in _JSON_KEYS["部门名称"] + ("name", "名称") if x.get(k)), None)
            for y in _json_items(nested, depth + 1):
                out.append({"授权部门": dept, **y} if dept and isinstance(y, dict) and not any(
                    y.get(k) for k in _JSON_KEYS["部门名称"]) else y)
        return out
    raise ImportError_("JSON 不是事项列表")


def _basis_text(v) -> str:
    """One basis (or material, condition …) as catalogs give it: text, or an object such as
    {"法规名称": "《…》", "条款": "第九条"} whose values are joined."""
    if isinstance(v, dict):
        out = ""
        for x in (_basis_text(x) for x in v.values() if x not in (None, "")):
            joined = out.endswith("》") or re.match(r"第[0-9零一二三四五六七八九十百千]+条", x)
            out += x if not out or joined else "，" + x  # 《…》第九条 / 统计法第三十五条 / 申请书，1
        return out
    if isinstance(v, list):
        return "、".join(_basis_text(x) for x in v)
    return "" if v is None else str(v)


def _json_load(path: Path):
    """JSON as exported here: UTF-8 (with or without BOM), else GB18030 (GBK), which many
    government systems still write."""
    data = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return json.loads(data.decode(enc))
        except UnicodeDecodeError:
            continue
    raise ImportError_("JSON 文件既不是 UTF-8 也不是 GBK 编码")


def _import_json(path: Path, opts: Options, result: ImportResult) -> None:
    try:
        items = _json_items(_json_load(path))
    except json.JSONDecodeError as e:
        raise ImportError_(f"不是有效的 JSON：{e}") from e
    except OSError as e:
        raise ImportError_(f"无法读取 {path.name}：{e}") from e
    seen_keys: dict[str, str] = {}
    by_dept: dict[str, DepartmentDraft] = {}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            result.rows.append(SourceRow("data", n, "未导入", note="不是对象"))
            continue
        values, used = {}, set()
        for canon, keys in _JSON_KEYS.items():
            k = next((k for k in keys if item.get(k) not in (None, "")), None)
            if k is not None:
                values[canon] = item[k]
                seen_keys.setdefault(k, canon)
            used.update(k for k in keys if k in item)
        for k in item:
            if k not in seen_keys:
                seen_keys[k] = ""
        dname = opts.department or normalize.text(values.get("部门名称")) or ""
        d = by_dept.get(dname)
        if d is None:
            how = "--department 选项" if opts.department else "“授权部门”"
            d = by_dept[dname] = _new_department(dname or None, how, opts)
        if not values.get("职权名称"):
            d.rows.append(SourceRow("data", n, "未导入", note="没有事项名称"))
            continue
        p: dict[str, object] = {"职权名称": _one_line(values["职权名称"])}
        code = _basic_code(d, values.get("基本编码"), f"第 {n} 项")
        if code:
            p["基本编码"] = code
        cat_raw = values.get("职权类别")
        cat_text = f"{cat_raw:02d}" if isinstance(cat_raw, int) and not isinstance(cat_raw, bool) \
            else normalize.text(cat_raw)
        if cat_text:
            p["职权类别"] = _category_value(d, cat_text, f"第 {n} 项")
        elif code and re.fullmatch(r"\d{12}", code):
            p["职权类别"] = _category_value(d, code[2:4], f"第 {n} 项")
            d.guesses.append(f"第 {n} 项：没有事项类型，按编码类型位 {code[2:4]} 取")
        else:  # imported all the same: validation reports the empty cell (F101)
            p["职权类别"] = ""
            d.map_value("职权类别", "（空）", "：没有事项类型也没有编码，照样导入、职权类别留空，请在职权目录填写（校验报 F101）",
                        f"第 {n} 项")
        for canon in ("子项名称", "承办机构", "备注", "法定时限", "承诺时限"):
            if values.get(canon) not in (None, ""):
                p[canon] = normalize.text(values[canon])
        for canon in ("收费依据及标准", "办理条件", "申请材料", "责任事项", "追责情形", "数量限制"):
            if values.get(canon) not in (None, ""):
                v = values[canon]
                p[canon] = _long("\n".join(map(_basis_text, v)) if isinstance(v, list) else _basis_text(v))
        for canon in _CLOSED:
            v = values.get(canon)
            if v not in (None, ""):
                t = {True: "是", False: "否"}.get(v, v) if isinstance(v, bool) else v
                p[canon] = _closed_value(d, canon, normalize.text(t) or "", f"第 {n} 项")
        extra = [f"{k}：{_json_text(v)}" for k, v in item.items() if k not in used and _json_text(v)]
        if extra:  # keys the template has no column for are kept, not lost
            p["备注"] = "\n".join(x for x in (p.get("备注"), *extra) if x)
        if not p.get("公开范围") and (hint := _internal_hint(p.get("备注"))):
            p["公开范围"] = "内部"
            d.map_value("公开范围", "（空）", f"按“内部”导入：备注写明“{hint}”", f"第 {n} 项")
        if values.get("实施依据"):
            basis = values["实施依据"]
            p["实施依据"] = _long("\n".join(map(_basis_text, basis)) if isinstance(basis, list) else _basis_text(basis))
        if values.get("行使层级") not in (None, ""):
            lv = values["行使层级"]
            p["行使层级"] = level_number(lv) or normalize.text(lv)
        d.powers.append(p)
        d.rows.append(SourceRow("data", n, "导入", f"职权目录!{len(d.powers) + 1}", f"部门 {d.name}"))
    for k, canon in seen_keys.items():
        result.columns.append(ColumnMap("data", k, k, f"职权目录.{canon}" if canon and canon != "部门名称"
                                        else ("部门信息.部门名称（按部门分成多个工作簿）" if canon
                                              else "职权目录.备注（模板没有此列，照录为“键：值”）")))
    for d in by_dept.values():
        _finish_listed(d, "没有承办机构的事项，承办机构填写部门名称")
        result.departments.append(d)


def _json_text(v) -> str | None:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False) if v else None
    return _long(v)
