; Inno Setup 6 script: the Windows installer over the PyInstaller one-folder bundle.
; Build the bundle first (see README, "Building installers"), then, from the repository root:
;   iscc /DAppVersion=0.1.0 packaging\windows\digest-desk.iss
; AppVersion must be the package metadata version (python packaging\bundle_meta.py version);
; the release workflow passes it. BundleDir, IconFile and OutputDir may be overridden the same way.

#ifndef AppVersion
  #error Pass the version from the package metadata: iscc /DAppVersion=X.Y.Z
#endif
#ifndef BundleDir
  #define BundleDir "..\..\.cache\build\dist\digest-desk"
#endif
#ifndef IconFile
  #define IconFile "..\..\.cache\build\icons\digest-desk.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Digest Desk"
#define AppExe "DigestDesk.exe"
#define CliExe "digest-desk.exe"

[Setup]
AppId={{6B1E3C62-8D7A-4B8E-9C3F-2A1D5E7B9C40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Digest Desk team
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Digest Desk
DefaultGroupName=Digest Desk
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=digest-desk-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Write an article once, publish a standard page and an AMP page"
Name: "{autoprograms}\{#AppName} command line help"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --help"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may write byte-code caches next to the bundle; the user's database lives elsewhere and stays.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
