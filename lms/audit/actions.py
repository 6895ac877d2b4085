"""The action codes of the audit log, with what the admin page shows for each."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "unit.create": _l("Enhet opprettet"),
    "unit.update": _l("Enhet endret"),
    "person.create": _l("Person opprettet"),
    "person.update": _l("Person endret"),
    "person.erase": _l("Person slettet"),
    "person.end": _l("Konto avsluttet ved sluttdato"),
    "person.sign_in_code": _l("Engangskode for innlogging laget"),
    "role.grant": _l("Rolle gitt"),
    "role.revoke": _l("Rolle fjernet"),
    "people.import": _l("Personer importert"),
    "module.upload": _l("Modul lastet opp"),
    "module.publish": _l("Modulversjon publisert"),
    "module.owner": _l("Eier av modul endret"),
    "assignment.create": _l("Tildeling opprettet"),
    "framework.import": _l("Kompetanserammeverk importert"),
    "framework.export": _l("Kompetanserammeverk eksportert"),
    "requirement.create": _l("Kompetansekrav opprettet"),
    "requirement.update": _l("Kompetansekrav endret"),
    "requirement.delete": _l("Kompetansekrav fjernet"),
    "competence.sign_off": _l("Praksis godkjent"),
    "introduction.plan": _l("Introduksjonsprogram laget eller endret"),
    "introduction.item_remove": _l("Punkt fjernet fra introduksjonsprogram"),
    "introduction.assign": _l("Introduksjonsprogram gitt"),
    "introduction.sign_off": _l("Introduksjon: vist og gjennomgått"),
    "report.export": _l("Rapport eksportert"),
    "plan.change": _l("Kompetanseplan laget eller endret"),
    "survey.create": _l("Kartlegging sendt"),
    "qualification.record": _l("Formell kvalifikasjon registrert"),
    "qualification.check": _l("Formell kvalifikasjon kontrollert"),
    "workshop.plan": _l("Samlingsrekke planlagt eller endret"),
    "shifts.import": _l("Vaktplan importert"),
    "shifts.feed_remove": _l("Kalender for vaktplan fjernet"),
    "reminder_policy.update": _l("Påminnelsesregler endret"),
    "lrs_key.create": _l("LRS-nøkkel opprettet"),
    "lrs_key.revoke": _l("LRS-nøkkel trukket tilbake"),
    "retention.apply": _l("Lagringstider brukt"),
    "api_key.create": _l("API-nøkkel opprettet"),
    "api_key.revoke": _l("API-nøkkel trukket tilbake"),
    "api.units_sync": _l("Enheter synkronisert via API"),
    "api.people_sync": _l("Personer synkronisert via API"),
    "api.shifts_replace": _l("Vakter sendt via API"),
    "credential.revoke": _l("Mikrobevis trukket tilbake"),
    "credential.not_issued": _l("Mikrobevis ikke utstedt: nøkkelen kan ikke leses"),
    "credential.rotate_key": _l("Nøkkel for mikrobevis byttet"),
    "credential_module.mark": _l("Modul satt til å gi mikrobevis"),
    "credential_module.unmark": _l("Modul gir ikke lenger mikrobevis"),
}
"""Every code ``record`` accepts. A new kind of change adds its code here."""


def label(action: str) -> str:
    return str(ACTIONS.get(action, action))
