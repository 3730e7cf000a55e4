"""The publication date field: typed date and time in the site's time zone, a calendar and "Now"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from digest_desk.domain.zones import DEFAULT_ZONE, in_zone, to_utc

DISPLAY_FORMAT = "yyyy-MM-dd HH:mm"  # all digits: every section takes typed numbers


class TypedDateTimeEdit(QDateTimeEdit):
    """A QDateTimeEdit whose section under the cursor is selected when it gets focus or a
    click: digits typed then replace that section and move on to the next one when it is full.
    (A plain QDateTimeEdit puts the cursor inside the section, so typed digits make an
    invalid text and are dropped: only the arrow keys changed it.)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lineEdit().installEventFilter(self)  # clicks land on the line edit inside

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        QTimer.singleShot(0, self.select_current_section)  # after a click has placed the cursor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonRelease:
            QTimer.singleShot(0, self.select_current_section)
        return super().eventFilter(watched, event)

    def select_current_section(self) -> None:
        if self.isEnabled() and not self.lineEdit().hasSelectedText():
            self.setSelectedSection(self.currentSection())


class DateField(QWidget):
    """An on/off publication time. ``changed`` carries the time in UTC (or None when off).

    The edit shows wall-clock time of the site's zone; its own time spec is UTC so the
    machine's zone (and its daylight-saving gaps) never shifts what was typed."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zone = DEFAULT_ZONE
        self.enabled_box = QCheckBox(self.tr("on"), objectName="date-set")
        self.enabled_box.setToolTip(self.tr("Set the publication date and time"))
        self.edit = TypedDateTimeEdit(objectName="date-edit", calendarPopup=True)
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat(DISPLAY_FORMAT)
        self.edit.setCurrentSectionIndex(0)
        self.edit.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.now_button = QPushButton(self.tr("Now"), objectName="date-now")
        self.now_button.setToolTip(self.tr("Set the publication time to this minute"))
        self.zone_label = QLabel(objectName="date-zone")
        # A long zone name (America/Argentina/Buenos_Aires) must not widen the whole form.
        self.zone_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.enabled_box, 0), (self.edit, 1), (self.now_button, 0), (self.zone_label, 0)):
            row.addWidget(widget, stretch)
        self.enabled_box.toggled.connect(self._toggled)
        self.edit.dateTimeChanged.connect(lambda _d: self._emit())
        self.now_button.clicked.connect(self._now)
        self.set_zone(DEFAULT_ZONE)

    def set_zone(self, name: str) -> None:
        """Show and take times in the zone ``name`` (the site's); the stored time is kept."""
        current = self.value()
        self._zone = name or DEFAULT_ZONE
        self.zone_label.setText(self._zone)
        self.edit.setToolTip(self.tr("Date and time in %1: type the digits, or pick a day from the "
                                     "calendar").replace("%1", self._zone))
        if current is not None:
            self.show_value(current)

    def value(self) -> datetime | None:
        """The time shown, in UTC (None when the date is off)."""
        if not self.enabled_box.isChecked():
            return None
        shown = self.edit.dateTime()
        date, time = shown.date(), shown.time()
        wall = datetime(date.year(), date.month(), date.day(), time.hour(), time.minute())
        return to_utc(wall, self._zone)

    def show_value(self, value: datetime | None) -> None:
        """Show ``value`` without announcing it; a time equal to the one shown leaves the
        edit alone, so the cursor and section of someone typing stay where they are."""
        blockers = (self.enabled_box, self.edit)
        for widget in blockers:
            widget.blockSignals(True)
        try:
            self.enabled_box.setChecked(value is not None)
            self._enable(value is not None)
            if value is not None and value == self.value():
                return
            local = in_zone(value or datetime.now(UTC), self._zone)
            self.edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                            QTime(local.hour, local.minute), QTimeZone.utc()))
        finally:
            for widget in blockers:
                widget.blockSignals(False)

    def _enable(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.now_button.setEnabled(on)

    def _toggled(self, on: bool) -> None:
        self._enable(on)
        self._emit()

    def _now(self) -> None:
        self.show_value(datetime.now(UTC).replace(second=0, microsecond=0))
        self._emit()

    def _emit(self) -> None:
        self.changed.emit(self.value())
