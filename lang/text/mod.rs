pub mod pyfloat;
pub mod pyformat;
pub mod pystr;
