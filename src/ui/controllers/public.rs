//! The `Public` global: Kontakty (the town's departments and the one chosen).

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{model, on, on_arg};
use crate::kiosk::{AreaEvent, AreaView, KioskEvent};
use crate::portal::types::Department;
use crate::ui::{AppWindow, DepartmentRow, HoursRow, Inner, PersonRow, Public};

pub(in crate::ui) fn bind(app: &AppWindow, inner: &Rc<RefCell<Inner>>) {
    let public = app.global::<Public>();
    public.on_choose_department(on_arg(inner, |i| {
        usize::try_from(i)
            .ok()
            .map(|i| KioskEvent::Area(AreaEvent::ChooseDepartment(i)))
    }));
    public.on_print_department(on(inner, KioskEvent::Area(AreaEvent::PrintDepartment)));
}

pub(in crate::ui) fn apply(app: &AppWindow, area: &AreaView) {
    let rows: Vec<DepartmentRow> = area
        .departments
        .iter()
        .map(|d| DepartmentRow {
            name: d.name.as_str().into(),
            building: d.building.as_str().into(),
            phone: d.phone.as_str().into(),
        })
        .collect();
    let p = app.global::<Public>();
    p.set_departments(model(rows));
    let d = area.department.as_ref();
    p.set_has_department(d.is_some());
    let text = |f: fn(&Department) -> &str| SharedString::from(d.map_or("", f));
    p.set_department_name(text(|d| &d.name));
    p.set_department_building(text(|d| &d.building));
    p.set_department_address(text(|d| &d.address));
    p.set_department_phone(text(|d| &d.phone));
    p.set_department_email(text(|d| &d.email));
    let hours: Vec<HoursRow> = d.map_or_else(Vec::new, |d| {
        // Today first (and marked), "nonstop" for a day-long span.
        crate::services::hours_from_today(&d.office_hours, chrono::Local::now().date_naive())
            .into_iter()
            .map(|h| HoursRow {
                day: h.day.into(),
                hours: h.hours.into(),
                today: h.today,
            })
            .collect()
    });
    p.set_department_hours(model(hours));
    let people: Vec<PersonRow> = d.map_or_else(Vec::new, |d| {
        d.people
            .iter()
            .map(|x| PersonRow {
                name: x.name.as_str().into(),
                role: x.role.as_str().into(),
                phone: x.phone.as_str().into(),
                room: x.room.as_str().into(),
            })
            .collect()
    });
    p.set_department_people(model(people));
}
