"""Everything Qt: the workstation window, its editor, panels, dialogs, actions and icons."""
