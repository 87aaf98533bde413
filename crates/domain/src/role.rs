//! Roles and the capability matrix of spec §1. Deny by default: a capability not
//! listed for a role is refused.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Doctor,
    Nurse,
    Receptionist,
    Cashier,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Doctor, Role::Nurse, Role::Receptionist, Role::Cashier];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Doctor => "doctor",
            Role::Nurse => "nurse",
            Role::Receptionist => "receptionist",
            Role::Cashier => "cashier",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a user may do. Ownership rules ("own consultations") are checked by the
/// service on top of the capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    ManageUsers,
    ManageSettings,
    PatientRead,
    PatientWrite,
    ClinicalBackgroundRead,
    ClinicalBackgroundWrite,
    WaitingRoomRead,
    WaitingRoomWrite,
    VitalsWrite,
    ConsultationRead,
    /// Write access to consultation content; limited to the consultation's own doctor.
    ConsultationWrite,
    CatalogueRead,
    CatalogueImport,
    AuditRead,
}

impl Capability {
    pub fn allowed_for(self, role: Role) -> bool {
        use Capability::*;
        use Role::*;
        match self {
            ManageUsers | ManageSettings | CatalogueImport | AuditRead => role == Admin,
            PatientRead => true,
            PatientWrite => role != Cashier,
            ClinicalBackgroundRead | ClinicalBackgroundWrite | VitalsWrite | ConsultationRead => {
                matches!(role, Doctor | Nurse)
            }
            WaitingRoomRead => true,
            WaitingRoomWrite => role != Cashier,
            ConsultationWrite => role == Doctor,
            CatalogueRead => true,
        }
    }

    pub fn allowed_for_any(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.allowed_for(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_spot_checks() {
        assert!(Capability::ManageUsers.allowed_for(Role::Admin));
        assert!(!Capability::ManageUsers.allowed_for(Role::Doctor));
        assert!(!Capability::PatientWrite.allowed_for(Role::Cashier));
        assert!(Capability::PatientWrite.allowed_for(Role::Receptionist));
        assert!(!Capability::ConsultationRead.allowed_for(Role::Receptionist));
        assert!(!Capability::ConsultationRead.allowed_for(Role::Admin));
        assert!(Capability::ConsultationRead.allowed_for(Role::Nurse));
        assert!(!Capability::ConsultationWrite.allowed_for(Role::Nurse));
        assert!(!Capability::WaitingRoomWrite.allowed_for(Role::Cashier));
        assert!(Capability::WaitingRoomRead.allowed_for(Role::Cashier));
    }

    #[test]
    fn parse_roundtrip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("Admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
